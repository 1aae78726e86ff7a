using System.Globalization;
using System.Text;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python strings are sequences of code points; these helpers give C# strings that view (length, index, whitespace).</summary>
internal static class PyText
{
    public static bool HasSurrogates(string s) => s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    /// <summary>Python's <c>len(s)</c>: code points, a lone surrogate counting as one.</summary>
    public static int Length(string s) => HasSurrogates(s) ? CodePoints(s).Count : s.Length;

    public static List<int> CodePoints(string s)
    {
        var cps = new List<int>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                cps.Add(char.ConvertToUtf32(c, s[i + 1]));
                i++;
            }
            else
            {
                cps.Add(c);
            }
        }
        return cps;
    }

    public static string FromCodePoints(IEnumerable<int> cps)
    {
        var sb = new StringBuilder();
        foreach (int cp in cps) AppendCodePoint(sb, cp);
        return sb.ToString();
    }

    public static void AppendCodePoint(StringBuilder sb, int cp)
    {
        if (cp > 0xFFFF) sb.Append(char.ConvertFromUtf32(cp));
        else sb.Append((char)cp);
    }

    /// <summary>Each code point as a one-character Python string (what iterating a str yields).</summary>
    public static IEnumerable<string> Characters(string s) =>
        HasSurrogates(s) ? CodePoints(s).Select(cp => FromCodePoints([cp])) : s.Select(c => c.ToString());

    /// <summary>Python's <c>str.isspace</c> for one code point.</summary>
    public static bool IsSpace(int cp) => cp switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x20 => true,
        0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>Python's <c>str.isprintable</c> for one code point (used by repr).</summary>
    public static bool IsPrintable(int cp)
    {
        if (cp == ' ') return true;
        var cat = cp is >= 0xD800 and <= 0xDFFF ? UnicodeCategory.Surrogate : CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or
            UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or
            UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
    }

    /// <summary>Python's <c>strip/lstrip/rstrip</c>: whitespace when <paramref name="chars"/> is null, else any of those characters.</summary>
    public static string Strip(string s, string? chars, bool left, bool right)
    {
        Func<char, bool> strip = chars is null ? c => IsSpace(c) : c => chars.Contains(c, StringComparison.Ordinal);
        int start = 0, end = s.Length;
        if (left) while (start < end && strip(s[start])) start++;
        if (right) while (end > start && strip(s[end - 1])) end--;
        return s[start..end];
    }

    /// <summary>Python's <c>str.title</c>: upper-case the first cased letter after any uncased character, lower-case the rest.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsUpper(c) || char.IsLower(c);
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str.capitalize</c>: first character upper, the rest lower.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Code-point index of a UTF-16 offset (they differ only after characters above U+FFFF).</summary>
    public static int CodePointIndex(string s, int utf16Index)
    {
        if (utf16Index <= 0 || !HasSurrogates(s)) return utf16Index;
        int count = 0;
        for (int i = 0; i < utf16Index; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            count++;
        }
        return count;
    }

    /// <summary>UTF-16 offset of a code-point index, clamped to the string.</summary>
    public static int Utf16Index(string s, long cpIndex)
    {
        if (cpIndex <= 0) return 0;
        if (!HasSurrogates(s)) return (int)Math.Min(cpIndex, s.Length);
        int i = 0;
        for (long n = 0; n < cpIndex && i < s.Length; n++)
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
        return i;
    }
}
