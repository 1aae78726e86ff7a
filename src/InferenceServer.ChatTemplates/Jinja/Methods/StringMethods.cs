using System.Text;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Methods;

/// <summary>The Python <c>str</c> methods templates call (<c>content.strip()</c>, <c>.split('</c>...<c>')</c>, <c>.startswith(...)</c>), with Python's semantics.</summary>
internal static class StringMethods
{
    private static readonly Dictionary<string, Func<string, CallArguments, object?>> Methods = new(StringComparer.Ordinal)
    {
        ["strip"] = (s, a) => PyText.Strip(s, OptionalString(a, 0, "chars"), true, true),
        ["lstrip"] = (s, a) => PyText.Strip(s, OptionalString(a, 0, "chars"), true, false),
        ["rstrip"] = (s, a) => PyText.Strip(s, OptionalString(a, 0, "chars"), false, true),
        ["split"] = (s, a) => ToList(PySplit.Split(s, OptionalString(a, 0, "sep"), MaxSplit(a))),
        ["rsplit"] = (s, a) => ToList(PySplit.RSplit(s, OptionalString(a, 0, "sep"), MaxSplit(a))),
        ["splitlines"] = (s, a) => ToList(PySplit.SplitLines(s, PyTruth.IsTrue(a.Get(0, "keepends", false)))),
        ["startswith"] = (s, a) => Affix(s, a, (t, p) => t.StartsWith(p, StringComparison.Ordinal)),
        ["endswith"] = (s, a) => Affix(s, a, (t, p) => t.EndsWith(p, StringComparison.Ordinal)),
        ["replace"] = (s, a) => Replace(s, RequiredString(a, 0, "old"), RequiredString(a, 1, "new"), a.TryGet(2, "count", out var c) ? PyNumbers.ToIndex(c, "count") : -1),
        ["upper"] = (s, _) => s.ToUpperInvariant(),
        ["lower"] = (s, _) => s.ToLowerInvariant(),
        ["casefold"] = (s, _) => s.ToLowerInvariant(),
        ["title"] = (s, _) => PyText.Title(s),
        ["capitalize"] = (s, _) => PyText.Capitalize(s),
        ["swapcase"] = (s, _) => string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))),
        ["find"] = (s, a) => Find(s, a, fromEnd: false),
        ["rfind"] = (s, a) => Find(s, a, fromEnd: true),
        ["index"] = (s, a) => Find(s, a, fromEnd: false) is long i and >= 0 ? i : throw new TemplateRuntimeException("substring not found"),
        ["rindex"] = (s, a) => Find(s, a, fromEnd: true) is long i and >= 0 ? i : throw new TemplateRuntimeException("substring not found"),
        ["count"] = (s, a) => Count(Window(s, a, 1), RequiredString(a, 0, "sub")),
        ["join"] = Join,
        ["format"] = (s, a) => StrFormat.Apply(s, a),
        ["isdigit"] = (s, _) => s.Length > 0 && s.All(char.IsDigit),
        ["isdecimal"] = (s, _) => s.Length > 0 && s.All(char.IsDigit),
        ["isnumeric"] = (s, _) => s.Length > 0 && s.All(char.IsNumber),
        ["isalpha"] = (s, _) => s.Length > 0 && s.All(char.IsLetter),
        ["isalnum"] = (s, _) => s.Length > 0 && s.All(char.IsLetterOrDigit),
        ["isspace"] = (s, _) => s.Length > 0 && s.All(c => PyText.IsSpace(c)),
        ["isupper"] = (s, _) => s.Any(char.IsUpper) && !s.Any(char.IsLower),
        ["islower"] = (s, _) => s.Any(char.IsLower) && !s.Any(char.IsUpper),
        ["istitle"] = (s, _) => s.Any(char.IsLetter) && PyText.Title(s) == s,
        ["zfill"] = ZFill,
        ["center"] = (s, a) => Pad(s, a, left: true, right: true),
        ["ljust"] = (s, a) => Pad(s, a, left: false, right: true),
        ["rjust"] = (s, a) => Pad(s, a, left: true, right: false),
        ["partition"] = (s, a) => Partition(s, RequiredString(a, 0, "sep"), fromEnd: false),
        ["rpartition"] = (s, a) => Partition(s, RequiredString(a, 0, "sep"), fromEnd: true),
        ["removeprefix"] = (s, a) => RequiredString(a, 0, "prefix") is var p && s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s,
        ["removesuffix"] = (s, a) => RequiredString(a, 0, "suffix") is var p && p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s,
    };

    public static bool TryBind(string receiver, string name, out object? method)
    {
        if (Methods.TryGetValue(name, out var body))
        {
            method = new BuiltinFunction(name, args => body(receiver, args));
            return true;
        }
        method = null;
        return false;
    }

    private static JinjaList ToList(List<string> parts) => new(parts.Cast<object?>().ToList());

    private static string? OptionalString(CallArguments a, int index, string name) => a.Get(index, name) switch
    {
        null => null,
        string s => s,
        var other => throw new TemplateRuntimeException($"{name} must be None or a string, not {PyTypes.Name(other)}"),
    };

    private static string RequiredString(CallArguments a, int index, string name) => a.TryGet(index, name, out var v) switch
    {
        false => throw new TemplateRuntimeException($"missing required argument '{name}' (pos {index + 1})"),
        true when v is string s => s,
        _ => throw new TemplateRuntimeException($"must be str, not {PyTypes.Name(v)}"),
    };

    private static long MaxSplit(CallArguments a) =>
        a.TryGet(1, "maxsplit", out var m) ? PyNumbers.ToIndex(m, "maxsplit") : -1;

    /// <summary>The part of <paramref name="s"/> between the optional start/end code-point arguments at <paramref name="first"/>.</summary>
    private static string Window(string s, CallArguments a, int first)
    {
        object? start = a.Get(first, "start"), end = a.Get(first + 1, "end");
        if (start is null && end is null) return s;
        return (string)PySlice.Apply(s, new SliceValue(start, end, null))!;
    }

    private static bool Affix(string s, CallArguments a, Func<string, string, bool> test)
    {
        string window = Window(s, a, 1);
        return a.Get(0, "prefix") switch
        {
            string p => test(window, p),
            JinjaList { IsTuple: true } t => t.Items.Any(x => x is string p && test(window, p)),
            var other => throw new TemplateRuntimeException($"startswith/endswith first arg must be str or a tuple of str, not {PyTypes.Name(other)}"),
        };
    }

    private static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0 && old.Length > 0) return s.Replace(old, replacement, StringComparison.Ordinal);
        var sb = new StringBuilder();
        if (old.Length == 0)
        {
            long done = 0;
            foreach (string ch in PyText.Characters(s))
            {
                if (count < 0 || done < count)
                {
                    sb.Append(replacement);
                    done++;
                }
                sb.Append(ch);
            }
            if (count < 0 || done < count) sb.Append(replacement);
            return sb.ToString();
        }
        int pos = 0;
        for (long n = 0; n < count; n++)
        {
            int at = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (at < 0) break;
            sb.Append(s, pos, at - pos).Append(replacement);
            pos = at + old.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static long Find(string s, CallArguments a, bool fromEnd)
    {
        string sub = RequiredString(a, 0, "sub");
        long offset = a.Get(1, "start") is { } st ? PyNumbers.ToIndex(st, "slice indices") : 0;
        if (offset < 0) offset = Math.Max(0, offset + PyText.Length(s));
        string window = Window(s, a, 1);
        int at = fromEnd ? window.LastIndexOf(sub, StringComparison.Ordinal) : window.IndexOf(sub, StringComparison.Ordinal);
        return at < 0 ? -1 : offset + PyText.CodePointIndex(window, at);
    }

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0) return PyText.Length(s) + 1;
        long n = 0;
        for (int at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static object? Join(string separator, CallArguments a)
    {
        var items = PyIter.ToList(a.Get(0, "iterable"));
        for (int i = 0; i < items.Count; i++)
            if (items[i] is not string)
                throw new TemplateRuntimeException($"sequence item {i}: expected str instance, {PyTypes.Name(items[i])} found");
        return string.Join(separator, items.Cast<string>());
    }

    private static object? ZFill(string s, CallArguments a)
    {
        long width = PyNumbers.ToIndex(a.Get(0, "width"), "width");
        int len = PyText.Length(s);
        if (len >= width) return s;
        string zeros = new('0', (int)(width - len));
        return s.Length > 0 && s[0] is '+' or '-' ? s[0] + zeros + s[1..] : zeros + s;
    }

    private static object? Pad(string s, CallArguments a, bool left, bool right)
    {
        long width = PyNumbers.ToIndex(a.Get(0, "width"), "width");
        string fill = a.Get(1, "fillchar", " ") as string ?? " ";
        int len = PyText.Length(s);
        if (len >= width) return s;
        long total = width - len;
        // CPython's centring puts the odd extra character on the left when the total padding is odd and the width is odd.
        long leftPad = left && right ? total / 2 + (total & width & 1) : left ? total : 0;
        long rightPad = total - leftPad;
        return string.Concat(Enumerable.Repeat(fill, (int)leftPad)) + s + string.Concat(Enumerable.Repeat(fill, (int)rightPad));
    }

    private static JinjaList Partition(string s, string sep, bool fromEnd)
    {
        if (sep.Length == 0) throw new TemplateRuntimeException("empty separator");
        int at = fromEnd ? s.LastIndexOf(sep, StringComparison.Ordinal) : s.IndexOf(sep, StringComparison.Ordinal);
        if (at < 0) return fromEnd ? JinjaList.Tuple("", "", s) : JinjaList.Tuple(s, "", "");
        return JinjaList.Tuple(s[..at], sep, s[(at + sep.Length)..]);
    }
}
