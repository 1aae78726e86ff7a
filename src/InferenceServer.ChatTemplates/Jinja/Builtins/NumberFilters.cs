using System.Globalization;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Runtime;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>Number filters: abs, round, int, float.</summary>
internal static class NumberFilters
{
    public static void Register(Dictionary<string, FilterFunction> t)
    {
        t["abs"] = (_, v, _) => v switch
        {
            long l => (object)Math.Abs(l),
            bool b => b ? 1L : 0L,
            double d => Math.Abs(d),
            _ => throw new TemplateRuntimeException($"bad operand type for abs(): '{PyTypes.Name(v)}'"),
        };
        t["round"] = Round;
        t["int"] = ToInt;
        t["float"] = (_, v, a) => v is Undefined u ? throw u.Error() : TryFloat(v, out double d) ? d : a.Get(0, "default", 0.0);
    }

    private static object? Round(JinjaEnvironment env, object? v, CallArguments a)
    {
        long precision = PyNumbers.ToIndex(a.Get(0, "precision", 0L), "precision");
        string method = PyRepr.Str(a.Get(1, "method", "common"));
        if (method is not ("common" or "ceil" or "floor"))
            throw new TemplateRuntimeException("method must be common, ceil or floor");
        if (!PyNumbers.IsNumber(v)) throw new TemplateRuntimeException($"type {PyTypes.Name(v)} doesn't define __round__ method");
        if (method == "common")
        {
            // Python's round() keeps ints as ints and rounds floats half to even.
            if (PyNumbers.IsIntegral(v) && precision >= 0) return PyNumbers.ToLong(v);
            double x = PyNumbers.ToDouble(v);
            return precision is >= 0 and <= 15 ? Math.Round(x, (int)precision, MidpointRounding.ToEven) : x;
        }
        double scale = Math.Pow(10, precision);
        double scaled = PyNumbers.ToDouble(v) * scale;
        return (method == "ceil" ? Math.Ceiling(scaled) : Math.Floor(scaled)) / scale;
    }

    private static object? ToInt(JinjaEnvironment env, object? v, CallArguments a)
    {
        object? fallback = a.Get(0, "default", 0L);
        long numberBase = PyNumbers.ToIndex(a.Get(1, "base", 10L), "base");
        switch (v)
        {
            case Undefined u:
                throw u.Error(); // Jinja2's Undefined fails on int()
            case long or bool:
                return PyNumbers.ToLong(v);
            case double d:
                return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                string text = PyText.Strip(s, null, true, true).Replace("_", "", StringComparison.Ordinal);
                try
                {
                    if (numberBase == 10 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
                    if (numberBase is 2 or 8 or 16) return Convert.ToInt64(StripPrefix(text, numberBase), (int)numberBase);
                }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                {
                    return fallback;
                }
                // Jinja2's quirk: "42.23"|int is 42, through float.
                return TryFloat(s, out double f) && double.IsFinite(f) ? (long)Math.Truncate(f) : fallback;
            default:
                return fallback;
        }
    }

    private static string StripPrefix(string text, long numberBase)
    {
        string lower = text.ToLowerInvariant();
        string prefix = numberBase switch { 2 => "0b", 8 => "0o", _ => "0x" };
        return lower.StartsWith(prefix, StringComparison.Ordinal) ? lower[2..] : lower;
    }

    /// <summary>Python's <c>float(value)</c>: numbers, and strings like " 1.5 ", "1e3", "inf", "nan".</summary>
    public static bool TryFloat(object? v, out double result)
    {
        result = 0;
        switch (v)
        {
            case long or bool or double:
                result = PyNumbers.ToDouble(v);
                return true;
            case string s:
                string text = PyText.Strip(s, null, true, true).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
                string unsigned = text.TrimStart('+', '-');
                if (unsigned is "inf" or "infinity" or "nan")
                {
                    result = unsigned == "nan" ? double.NaN : text.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
                    return true;
                }
                return text.Length > 0 && !text.Contains(',', StringComparison.Ordinal) &&
                       double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
            default:
                return false;
        }
    }
}
