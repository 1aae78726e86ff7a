using System.Globalization;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's <c>repr(float)</c>: the shortest digits that round-trip, fixed notation for exponents -4..15, else "1e+16" style.</summary>
internal static class PyFloat
{
    public static string Repr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";

        // .NET's "R" is the shortest round-trip form too; only the layout differs from Python's.
        string r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOfAny(['E', 'e']);
        string mantissa = e < 0 ? r : r[..e];
        int exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string intPart = dot < 0 ? mantissa : mantissa[..dot];
        string digits = intPart + (dot < 0 ? "" : mantissa[(dot + 1)..]);
        int sci = intPart.Length - 1 + exponent; // decimal exponent of the first digit
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..];
        sci -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        string body;
        if (sci >= -4 && sci < 16)
        {
            if (sci >= 0)
            {
                string whole = digits.Length > sci + 1 ? digits[..(sci + 1)] : digits.PadRight(sci + 1, '0');
                string frac = digits.Length > sci + 1 ? digits[(sci + 1)..] : "0";
                body = whole + "." + frac;
            }
            else
            {
                body = "0." + new string('0', -sci - 1) + digits;
            }
        }
        else
        {
            body = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (sci < 0 ? "-" : "+") +
                   Math.Abs(sci).ToString("00", CultureInfo.InvariantCulture);
        }
        return d < 0 ? "-" + body : body;
    }
}
