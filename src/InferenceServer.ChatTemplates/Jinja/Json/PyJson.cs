using System.Globalization;
using System.Text;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Json;

/// <summary>Python's <c>json.dumps</c> as Hugging Face's <c>tojson</c> calls it: ", " and ": " separators, key order kept, no ASCII escaping by default.</summary>
internal sealed class PyJson
{
    private readonly string? _indent;
    private readonly string _itemSeparator;
    private readonly string _keySeparator;
    private readonly bool _sortKeys;
    private readonly bool _ensureAscii;

    /// <param name="indent">null for one line; otherwise the text of one indentation level.</param>
    /// <param name="separators">(item, key) separators; null for Python's defaults, which depend on <paramref name="indent"/>.</param>
    public PyJson(string? indent, (string Item, string Key)? separators, bool sortKeys, bool ensureAscii)
    {
        _indent = indent;
        _itemSeparator = separators?.Item ?? (indent is null ? ", " : ",");
        _keySeparator = separators?.Key ?? ": ";
        _sortKeys = sortKeys;
        _ensureAscii = ensureAscii;
    }

    public string Dumps(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        return sb.ToString();
    }

    private void Write(StringBuilder sb, object? value, int level)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(Float(d)); break;
            case string s: WriteString(sb, s); break;
            case JinjaList list: WriteList(sb, list.Items, level); break;
            case JinjaDict dict: WriteDict(sb, dict, level); break;
            default: throw new TemplateRuntimeException($"Object of type {PyTypes.Name(value)} is not JSON serializable");
        }
    }

    private void WriteList(StringBuilder sb, List<object?> items, int level)
    {
        if (items.Count == 0)
        {
            sb.Append("[]");
            return;
        }
        sb.Append('[');
        string separator = Open(sb, ref level);
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) sb.Append(separator);
            Write(sb, items[i], level);
        }
        Close(sb, level);
        sb.Append(']');
    }

    private void WriteDict(StringBuilder sb, JinjaDict dict, int level)
    {
        if (dict.Count == 0)
        {
            sb.Append("{}");
            return;
        }
        var pairs = dict.Pairs.ToList();
        if (_sortKeys) pairs = [.. pairs.OrderBy(p => p.Key, Comparer<object?>.Create((a, b) => PyOrdering.Compare(a, b)))];
        sb.Append('{');
        string separator = Open(sb, ref level);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (i > 0) sb.Append(separator);
            WriteString(sb, Key(pairs[i].Key));
            sb.Append(_keySeparator);
            Write(sb, pairs[i].Value, level);
        }
        Close(sb, level);
        sb.Append('}');
    }

    private string Open(StringBuilder sb, ref int level)
    {
        if (_indent is null) return _itemSeparator;
        level++;
        string newlineIndent = "\n" + string.Concat(Enumerable.Repeat(_indent, level));
        sb.Append(newlineIndent);
        return _itemSeparator + newlineIndent;
    }

    private void Close(StringBuilder sb, int level)
    {
        if (_indent is null) return;
        sb.Append('\n').Append(string.Concat(Enumerable.Repeat(_indent, level - 1)));
    }

    private static string Key(object? key) => key switch
    {
        string s => s,
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        _ => throw new TemplateRuntimeException($"keys must be str, int, float, bool or None, not {PyTypes.Name(key)}"),
    };

    private static string Float(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyFloat.Repr(d);

    private void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    // ensure_ascii escapes UTF-16 units, so characters above U+FFFF become surrogate pairs, as in Python.
                    if (c < ' ' || (_ensureAscii && c > '~')) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
