using InferenceServer.ChatTemplates.Jinja.Json;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Runtime;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>
/// Hugging Face's <c>tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)</c>, which replaces
/// Jinja2's HTML-escaping one with plain <c>json.dumps</c> (so the first positional argument is ensure_ascii, as there).
/// </summary>
internal static class JsonFilter
{
    public static object? ToJson(JinjaEnvironment env, object? value, CallArguments a)
    {
        bool ensureAscii = PyTruth.IsTrue(a.Get(0, "ensure_ascii", false));
        string? indent = a.Get(1, "indent") switch
        {
            null => null,
            string s => s,
            var n when PyNumbers.IsIntegral(n) => new string(' ', (int)Math.Max(0, PyNumbers.ToLong(n))),
            var other => throw new TemplateRuntimeException($"indent must be an int or a string, not {PyTypes.Name(other)}"),
        };
        (string, string)? separators = a.Get(2, "separators") switch
        {
            null => null,
            JinjaList { Count: 2 } l when l.Items[0] is string item && l.Items[1] is string key => (item, key),
            _ => throw new TemplateRuntimeException("separators must be a pair of strings"),
        };
        bool sortKeys = PyTruth.IsTrue(a.Get(3, "sort_keys", false));
        return new PyJson(indent, separators, sortKeys, ensureAscii).Dumps(value);
    }
}
