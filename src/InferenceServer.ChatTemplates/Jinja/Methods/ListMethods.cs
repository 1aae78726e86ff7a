using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Methods;

/// <summary>Python <c>list</c> methods: <c>append</c> (which Hugging Face's immutable sandbox would refuse, but minja and vLLM templates use), <c>index</c>, <c>count</c>.</summary>
internal static class ListMethods
{
    private static readonly Dictionary<string, Func<JinjaList, CallArguments, object?>> Methods = new(StringComparer.Ordinal)
    {
        ["append"] = Append,
        ["index"] = (l, a) =>
        {
            int i = l.Items.FindIndex(x => PyEquality.Equal(x, a.Get(0, "value")));
            return i >= 0 ? (long)i : throw new TemplateRuntimeException($"{PyRepr.Repr(a.Get(0, "value"))} is not in list");
        },
        ["count"] = (l, a) => (long)l.Items.Count(x => PyEquality.Equal(x, a.Get(0, "value"))),
    };

    public static bool TryBind(JinjaList receiver, string name, out object? method)
    {
        if (Methods.TryGetValue(name, out var body) && !(receiver.IsTuple && name == "append"))
        {
            method = new BuiltinFunction(name, args => body(receiver, args));
            return true;
        }
        method = null;
        return false;
    }

    private static object? Append(JinjaList l, CallArguments a)
    {
        l.Items.Add(a.Get(0, "object"));
        return null;
    }
}
