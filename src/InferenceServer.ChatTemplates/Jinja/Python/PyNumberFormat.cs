using System.Globalization;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's float presentation types (<c>f</c>, <c>e</c>, <c>g</c>) shared by <c>%</c>-formatting and <c>str.format</c>.</summary>
internal static class PyNumberFormat
{
    public static string Fixed(double d, int precision)
    {
        if (!double.IsFinite(d)) return NonFinite(d);
        return d.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public static string Exponent(double d, int precision, bool upper = false)
    {
        if (!double.IsFinite(d)) return upper ? NonFinite(d).ToUpperInvariant() : NonFinite(d);
        string s = d.ToString("E" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int e = s.IndexOf('E', StringComparison.Ordinal);
        int exp = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mark = upper ? "E" : "e";
        return s[..e] + mark + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Python's <c>g</c>: exponent notation only outside -4..precision, trailing zeros removed unless <paramref name="alternate"/>.</summary>
    public static string General(double d, int precision, bool upper = false, bool alternate = false)
    {
        if (!double.IsFinite(d)) return upper ? NonFinite(d).ToUpperInvariant() : NonFinite(d);
        int p = precision == 0 ? 1 : precision;
        if (d == 0) return alternate ? "0." + new string('0', p - 1) : "0";
        string e = Exponent(d, p - 1, upper);
        int exp = int.Parse(e[(e.IndexOfAny(['e', 'E']) + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string result = exp >= -4 && exp < p ? Fixed(d, p - 1 - exp) : e;
        if (alternate) return result;
        int mark = result.IndexOfAny(['e', 'E']);
        string mantissa = mark < 0 ? result : result[..mark];
        string suffix = mark < 0 ? "" : result[mark..];
        if (mantissa.Contains('.', StringComparison.Ordinal)) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        return mantissa + suffix;
    }

    private static string NonFinite(double d) => double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
}
