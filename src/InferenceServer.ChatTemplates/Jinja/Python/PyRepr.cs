using System.Globalization;
using System.Text;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's <c>str()</c> and <c>repr()</c>: what <c>{{ value }}</c> prints (None, True, ['a', 1], {'k': 'v'}).</summary>
internal static class PyRepr
{
    public static string Str(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => PyFloat.Repr(d),
        string s => s,
        Undefined => "",
        JinjaList l => ListRepr(l),
        JinjaDict d => DictRepr(d),
        SliceValue s => $"slice({Repr(s.Start)}, {Repr(s.Stop)}, {Repr(s.Step)})",
        _ => v.ToString() ?? "",
    };

    public static string Repr(object? v) => v switch
    {
        string s => ReprString(s),
        Undefined => "Undefined",
        _ => Str(v),
    };

    private static string ListRepr(JinjaList l)
    {
        var sb = new StringBuilder(l.IsTuple ? "(" : "[");
        for (int i = 0; i < l.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Repr(l.Items[i]));
        }
        if (l.IsTuple && l.Count == 1) sb.Append(',');
        return sb.Append(l.IsTuple ? ')' : ']').ToString();
    }

    private static string DictRepr(JinjaDict d) =>
        "{" + string.Join(", ", d.Pairs.Select(p => Repr(p.Key) + ": " + Repr(p.Value))) + "}";

    /// <summary>Python's string repr: single quotes unless the text has ' and no ", escapes for unprintables.</summary>
    public static string ReprString(string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (int cp in PyText.CodePoints(s))
        {
            if (cp == quote || cp == '\\') sb.Append('\\').Append((char)cp);
            else if (cp == '\t') sb.Append("\\t");
            else if (cp == '\n') sb.Append("\\n");
            else if (cp == '\r') sb.Append("\\r");
            else if (cp < ' ' || cp == 0x7f) sb.Append(CultureInfo.InvariantCulture, $"\\x{cp:x2}");
            else if (cp < 0x7f || PyText.IsPrintable(cp)) PyText.AppendCodePoint(sb, cp);
            else if (cp <= 0xff) sb.Append(CultureInfo.InvariantCulture, $"\\x{cp:x2}");
            else if (cp <= 0xffff) sb.Append(CultureInfo.InvariantCulture, $"\\u{cp:x4}");
            else sb.Append(CultureInfo.InvariantCulture, $"\\U{cp:x8}");
        }
        return sb.Append(quote).ToString();
    }
}
