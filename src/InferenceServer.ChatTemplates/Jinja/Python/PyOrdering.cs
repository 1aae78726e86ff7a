using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's <c>&lt;</c> ordering: numbers, strings by code point, lists/tuples lexicographically; anything else is a TypeError.</summary>
internal static class PyOrdering
{
    public static int Compare(object? a, object? b, string op = "<")
    {
        if (PyNumbers.IsNumber(a) && PyNumbers.IsNumber(b))
        {
            return PyNumbers.IsIntegral(a) && PyNumbers.IsIntegral(b)
                ? PyNumbers.ToLong(a).CompareTo(PyNumbers.ToLong(b))
                : PyNumbers.ToDouble(a).CompareTo(PyNumbers.ToDouble(b));
        }
        if (a is string sa && b is string sb) return CompareCodePoints(sa, sb);
        if (a is JinjaList la && b is JinjaList lb && la.IsTuple == lb.IsTuple)
        {
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                if (PyEquality.Equal(la.Items[i], lb.Items[i])) continue;
                return Compare(la.Items[i], lb.Items[i], op);
            }
            return la.Count.CompareTo(lb.Count);
        }
        if (a is Undefined u) throw u.Error();
        if (b is Undefined ub) throw ub.Error();
        throw new TemplateRuntimeException($"'{op}' not supported between instances of '{PyTypes.Name(a)}' and '{PyTypes.Name(b)}'");
    }

    /// <summary>Ordinal comparison by code point (UTF-16 order differs for characters above U+FFFF).</summary>
    public static int CompareCodePoints(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            int x = a[i], y = b[i];
            if (x == y) continue;
            if (x >= 0xD800 && y >= 0xD800) return Fix(x).CompareTo(Fix(y));
            return x.CompareTo(y);
        }
        return a.Length.CompareTo(b.Length);

        // Surrogates (supplementary planes) must sort after U+E000..U+FFFF.
        static int Fix(int c) => c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
