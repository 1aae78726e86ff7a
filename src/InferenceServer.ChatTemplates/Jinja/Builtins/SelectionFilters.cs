using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Runtime;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>map, select, reject, selectattr, rejectattr. Jinja2 returns generators; these return lists, which print and iterate the same way once joined or listed.</summary>
internal static class SelectionFilters
{
    public static void Register(Dictionary<string, FilterFunction> t)
    {
        t["map"] = Map;
        t["select"] = (env, v, a) => Select(env, v, a, lookupAttribute: false, keep: true);
        t["reject"] = (env, v, a) => Select(env, v, a, lookupAttribute: false, keep: false);
        t["selectattr"] = (env, v, a) => Select(env, v, a, lookupAttribute: true, keep: true);
        t["rejectattr"] = (env, v, a) => Select(env, v, a, lookupAttribute: true, keep: false);
    }

    private static object? Map(JinjaEnvironment env, object? v, CallArguments a)
    {
        Func<object?, object?> func;
        if (a.Positional.Count == 0 && a.TryGetNamed("attribute", out var attribute))
        {
            a.TryGetNamed("default", out var fallback);
            if (a.Named.Any(k => k.Key is not ("attribute" or "default")))
                throw new TemplateRuntimeException($"Unexpected keyword argument {PyRepr.Repr(a.Named.First(k => k.Key is not ("attribute" or "default")).Key)}");
            func = AttributeGetter.Create(attribute, fallback: fallback);
        }
        else
        {
            if (a.Positional.Count == 0) throw new TemplateRuntimeException("map requires a filter argument");
            string name = PyRepr.Str(a.Positional[0]);
            var rest = a.Skip(1);
            func = item => env.CallFilter(name, item, rest);
        }
        return new JinjaList(PyIter.ToList(v).Select(func).ToList());
    }

    private static object? Select(JinjaEnvironment env, object? v, CallArguments a, bool lookupAttribute, bool keep)
    {
        int offset = 0;
        Func<object?, object?> transform = x => x;
        if (lookupAttribute)
        {
            if (a.Positional.Count == 0) throw new TemplateRuntimeException("Missing parameter for attribute name");
            transform = AttributeGetter.Create(a.Positional[0]);
            offset = 1;
        }
        Func<object?, bool> test;
        if (a.Positional.Count > offset)
        {
            string name = PyRepr.Str(a.Positional[offset]);
            var rest = a.Skip(offset + 1);
            test = item => env.CallTest(name, item, rest);
        }
        else
        {
            test = PyTruth.IsTrue;
        }
        return new JinjaList(PyIter.ToList(v).Where(item => test(transform(item)) == keep).ToList());
    }
}
