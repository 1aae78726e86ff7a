using System.Runtime.CompilerServices;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's <c>==</c> and <c>hash()</c>: numbers by value across int/float/bool, containers deeply, tuples never equal lists.</summary>
internal static class PyEquality
{
    public static bool Equal(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        if (a is Undefined && b is Undefined) return true;
        if (a is string sa) return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
        if (PyNumbers.IsNumber(a) && PyNumbers.IsNumber(b))
        {
            return PyNumbers.IsIntegral(a) && PyNumbers.IsIntegral(b)
                ? PyNumbers.ToLong(a) == PyNumbers.ToLong(b)
                : PyNumbers.ToDouble(a) == PyNumbers.ToDouble(b);
        }
        if (a is JinjaList la && b is JinjaList lb)
        {
            if (la.IsTuple != lb.IsTuple || la.Count != lb.Count) return false;
            for (int i = 0; i < la.Count; i++)
                if (!Equal(la.Items[i], lb.Items[i])) return false;
            return true;
        }
        if (a is JinjaDict da && b is JinjaDict db)
        {
            if (da.Count != db.Count) return false;
            foreach (var p in da.Pairs)
                if (!db.TryGet(p.Key, out var other) || !Equal(p.Value, other)) return false;
            return true;
        }
        return a.Equals(b);
    }

    /// <summary>A hash consistent with <see cref="Equal"/>; lists and dicts are unhashable, as in Python.</summary>
    public static int Hash(object? v) => v switch
    {
        null => 0,
        string s => StringComparer.Ordinal.GetHashCode(s),
        bool b => (b ? 1L : 0L).GetHashCode(),
        long l => l.GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9.2e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        JinjaList { IsTuple: true } t => t.Items.Aggregate(17, (h, x) => unchecked(h * 31 + Hash(x))),
        JinjaList or JinjaDict => throw new TemplateRuntimeException($"unhashable type: '{PyTypes.Name(v)}'"),
        Undefined => 0,
        _ => RuntimeHelpers.GetHashCode(v),
    };
}
