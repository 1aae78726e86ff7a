using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Json;

/// <summary>Turns JSON (as Python's <c>json.loads</c> would) and plain .NET values into the interpreter's values, keeping key order.</summary>
internal static class JsonValues
{
    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => Object(e),
        JsonValueKind.Array => new JinjaList(e.EnumerateArray().Select(FromJson).ToList()),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => Number(e.GetRawText()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => null,
    };

    private static JinjaDict Object(JsonElement e)
    {
        var d = new JinjaDict();
        foreach (var p in e.EnumerateObject()) d.Set(p.Name, FromJson(p.Value));
        return d;
    }

    /// <summary>Python keeps integers as int and anything with a fraction or exponent as float.</summary>
    private static object Number(string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            return l;
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Converts values handed in by C# callers: JSON elements/nodes, strings, numbers, bools, lists and string-keyed dictionaries.</summary>
    public static object? FromDotNet(object? v) => v switch
    {
        null => null,
        JsonElement e => FromJson(e),
        JsonNode n => FromNode(n),
        string or bool or long or double or JinjaList or JinjaDict or Undefined or JinjaNamespace or IJinjaCallable => v,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        decimal m => (double)m,
        IDictionary dict => Dictionary(dict),
        IEnumerable seq => new JinjaList(seq.Cast<object?>().Select(FromDotNet).ToList()),
        _ => throw new ArgumentException($"cannot pass a {v.GetType().Name} to a template"),
    };

    private static object? FromNode(JsonNode n)
    {
        using var doc = JsonDocument.Parse(n.ToJsonString());
        return FromJson(doc.RootElement);
    }

    private static JinjaDict Dictionary(IDictionary dict)
    {
        var d = new JinjaDict();
        foreach (DictionaryEntry entry in dict) d.Set(FromDotNet(entry.Key), FromDotNet(entry.Value));
        return d;
    }
}
