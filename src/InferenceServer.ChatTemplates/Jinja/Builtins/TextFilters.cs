using System.Text;
using System.Text.RegularExpressions;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Runtime;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>String filters: trim, upper, lower, capitalize, title, replace, indent, center, truncate, wordcount, string, escape, safe, format.</summary>
internal static partial class TextFilters
{
    public static void Register(Dictionary<string, FilterFunction> t)
    {
        t["trim"] = (_, v, a) => PyText.Strip(PyRepr.Str(v), a.Get(0, "chars") as string, true, true);
        t["upper"] = (_, v, _) => PyRepr.Str(v).ToUpperInvariant();
        t["lower"] = (_, v, _) => PyRepr.Str(v).ToLowerInvariant();
        t["capitalize"] = (_, v, _) => PyText.Capitalize(PyRepr.Str(v));
        t["title"] = (_, v, _) => Title(PyRepr.Str(v));
        t["replace"] = Replace;
        t["indent"] = Indent;
        t["center"] = (_, v, a) => Center(PyRepr.Str(v), (int)PyNumbers.ToIndex(a.Get(0, "width", 80L), "width"));
        t["truncate"] = Truncate;
        t["wordcount"] = (_, v, _) => (long)WordRegex().Count(PyRepr.Str(v));
        t["string"] = (_, v, _) => PyRepr.Str(v);
        t["safe"] = (_, v, _) => PyRepr.Str(v);
        t["escape"] = t["e"] = t["forceescape"] = (_, v, _) => Escape(PyRepr.Str(v));
        t["format"] = Format;
        t["pprint"] = (_, v, _) => PyRepr.Repr(v);
    }

    /// <summary>Jinja2's title filter (not Python's str.title): words start after spaces, hyphens and opening brackets.</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder();
        foreach (string item in WordBeginningRegex().Split(s))
        {
            if (item.Length == 0) continue;
            sb.Append(char.ToUpperInvariant(item[0])).Append(item[1..].ToLowerInvariant());
        }
        return sb.ToString();
    }

    private static object? Replace(JinjaEnvironment env, object? v, CallArguments a)
    {
        var count = a.Get(2, "count");
        var args = new CallArguments([PyRepr.Str(a.Get(0, "old")), PyRepr.Str(a.Get(1, "new")), count ?? -1L], []);
        return PyAccess.GetAttribute(PyRepr.Str(v), "replace") is IJinjaCallable replace ? replace.Call(args) : null;
    }

    private static object? Indent(JinjaEnvironment env, object? v, CallArguments a)
    {
        object? width = a.Get(0, "width", 4L);
        string indentation = width is string w ? w : new string(' ', (int)Math.Max(0, PyNumbers.ToIndex(width, "width")));
        bool first = PyTruth.IsTrue(a.Get(1, "first", false));
        bool blank = PyTruth.IsTrue(a.Get(2, "blank", false));
        // Jinja2 appends a newline before splitting so a trailing newline survives splitlines().
        var lines = PySplit.SplitLines(PyRepr.Str(v) + "\n", keepEnds: false);
        string rv;
        if (blank)
        {
            rv = string.Join("\n" + indentation, lines);
        }
        else
        {
            rv = lines[0];
            if (lines.Count > 1)
                rv += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? indentation + l : l));
        }
        return first ? indentation + rv : rv;
    }

    private static string Center(string s, int width)
    {
        int len = PyText.Length(s);
        if (len >= width) return s;
        int total = width - len;
        int left = total / 2 + (total & width & 1);
        return new string(' ', left) + s + new string(' ', total - left);
    }

    private static object? Truncate(JinjaEnvironment env, object? v, CallArguments a)
    {
        string s = PyRepr.Str(v);
        long length = PyNumbers.ToIndex(a.Get(0, "length", 255L), "length");
        bool killWords = PyTruth.IsTrue(a.Get(1, "killwords", false));
        string end = PyRepr.Str(a.Get(2, "end", "..."));
        long leeway = PyNumbers.ToIndex(a.Get(3, "leeway", 5L), "leeway");
        if (length < end.Length) throw new TemplateRuntimeException($"expected length >= {end.Length}, got {length}");
        if (PyText.Length(s) <= length + leeway) return s;
        string head = (string)PySlice.Apply(s, new SliceValue(null, length - end.Length, null))!;
        if (killWords) return head + end;
        return PySplit.RSplit(head, " ", 1)[0] + end;
    }

    private static string Escape(string s) => s
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&#34;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);

    private static object? Format(JinjaEnvironment env, object? v, CallArguments a)
    {
        if (a.Positional.Count > 0 && a.Named.Count > 0)
            throw new TemplateRuntimeException("can't handle positional and keyword arguments at the same time");
        object? args;
        if (a.Named.Count > 0)
        {
            var mapping = new JinjaDict();
            foreach (var (key, value) in a.Named) mapping.Set(key, value);
            args = mapping;
        }
        else
        {
            args = new JinjaList([.. a.Positional], isTuple: true);
        }
        return PercentFormat.Apply(PyRepr.Str(v), args);
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginningRegex();
}
