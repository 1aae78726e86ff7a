using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's iteration, <c>len()</c> and <c>in</c>: dicts yield keys, strings yield characters, Undefined is empty.</summary>
internal static class PyIter
{
    public static List<object?> ToList(object? v) => v switch
    {
        JinjaList l => [.. l.Items],
        JinjaDict d => [.. d.Keys],
        string s => [.. PyText.Characters(s)],
        Undefined => [],
        _ => throw new TemplateRuntimeException($"'{PyTypes.Name(v)}' object is not iterable"),
    };

    public static bool IsIterable(object? v) => v is JinjaList or JinjaDict or string or Undefined;

    public static long Length(object? v) => v switch
    {
        string s => PyText.Length(s),
        JinjaList l => l.Count,
        JinjaDict d => d.Count,
        Undefined => 0,
        JinjaNamespace n => throw new TemplateRuntimeException($"object of type '{PyTypes.Name(n)}' has no len()"),
        _ => throw new TemplateRuntimeException($"object of type '{PyTypes.Name(v)}' has no len()"),
    };

    /// <summary>Python's <c>item in container</c>.</summary>
    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub
            ? s.Contains(sub, StringComparison.Ordinal)
            : throw new TemplateRuntimeException($"'in <string>' requires string as left operand, not {PyTypes.Name(item)}"),
        JinjaList l => l.Items.Any(x => PyEquality.Equal(x, item)),
        JinjaDict d => d.ContainsKey(item),
        Undefined => false,
        _ => throw new TemplateRuntimeException($"argument of type '{PyTypes.Name(container)}' is not iterable"),
    };
}
