using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Methods;

/// <summary>The read-only Python <c>dict</c> methods (items, keys, values, get, copy) that Hugging Face's sandbox lets templates call.</summary>
internal static class DictMethods
{
    private static readonly Dictionary<string, Func<JinjaDict, CallArguments, object?>> Methods = new(StringComparer.Ordinal)
    {
        ["items"] = (d, _) => new JinjaList(d.Pairs.Select(p => (object?)JinjaList.Tuple(p.Key, p.Value)).ToList()),
        ["keys"] = (d, _) => new JinjaList(d.Keys.ToList()),
        ["values"] = (d, _) => new JinjaList(d.Values.ToList()),
        ["get"] = (d, a) => d.TryGet(a.Get(0, "key"), out var v) ? v : a.Get(1, "default"),
        ["copy"] = (d, _) => d.Copy(),
    };

    public static bool TryBind(JinjaDict receiver, string name, out object? method)
    {
        if (Methods.TryGetValue(name, out var body))
        {
            method = new BuiltinFunction(name, args => body(receiver, args));
            return true;
        }
        method = null;
        return false;
    }
}
