using System.Globalization;
using System.Text;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's printf-style <c>"%s" % args</c> (the <c>%</c> operator on strings and the <c>format</c> filter).</summary>
internal static class PercentFormat
{
    public static string Apply(string format, object? args)
    {
        var positional = args is JinjaList { IsTuple: true } t ? t.Items : [args];
        var mapping = args as JinjaDict;
        // Python skips the "not all arguments converted" check for any argument with __getitem__ (dicts, lists, Undefined).
        bool mappingLike = args is JinjaDict or JinjaList { IsTuple: false } or Undefined;
        int next = 0;
        var sb = new StringBuilder();
        int i = 0;
        while (i < format.Length)
        {
            char c = format[i++];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            if (i >= format.Length) throw new TemplateRuntimeException("incomplete format");
            object? value = null;
            bool haveValue = false;
            if (format[i] == '(')
            {
                int close = format.IndexOf(')', i);
                if (args is Undefined u) throw u.Error();
                if (close < 0 || mapping is null) throw new TemplateRuntimeException("format requires a mapping");
                string key = format[(i + 1)..close];
                value = mapping.TryGet(key, out var v) ? v : throw new TemplateRuntimeException($"KeyError: {PyRepr.Repr(key)}");
                haveValue = true;
                i = close + 1;
            }
            string flags = "";
            while (i < format.Length && "-+ #0".Contains(format[i], StringComparison.Ordinal)) flags += format[i++];
            int width = ReadNumber(format, ref i, positional, ref next);
            int precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = Math.Max(0, ReadNumber(format, ref i, positional, ref next));
            }
            while (i < format.Length && format[i] is 'h' or 'l' or 'L') i++;
            if (i >= format.Length) throw new TemplateRuntimeException("incomplete format");
            char conv = format[i++];
            if (conv == '%')
            {
                sb.Append('%');
                continue;
            }
            if (!haveValue)
            {
                if (next >= positional.Count) throw new TemplateRuntimeException("not enough arguments for format string");
                value = positional[next++];
            }
            sb.Append(Pad(Convert(value, conv, flags, precision), width, flags));
        }
        if (!mappingLike && next < positional.Count)
            throw new TemplateRuntimeException("not all arguments converted during string formatting");
        return sb.ToString();
    }

    private static int ReadNumber(string f, ref int i, List<object?> positional, ref int next)
    {
        if (i < f.Length && f[i] == '*')
        {
            i++;
            return (int)PyNumbers.ToIndex(next < positional.Count ? positional[next++] : null, "* width");
        }
        int start = i;
        while (i < f.Length && char.IsAsciiDigit(f[i])) i++;
        return i == start ? -1 : int.Parse(f[start..i], CultureInfo.InvariantCulture);
    }

    private static string Convert(object? value, char conv, string flags, int precision)
    {
        bool alt = flags.Contains('#', StringComparison.Ordinal);
        string sign(double d, string body) =>
            body.StartsWith('-') ? body
            : flags.Contains('+', StringComparison.Ordinal) ? "+" + body
            : flags.Contains(' ', StringComparison.Ordinal) ? " " + body : body;
        switch (conv)
        {
            case 's':
                string s = PyRepr.Str(value);
                return precision >= 0 && precision < s.Length ? s[..precision] : s;
            case 'r' or 'a':
                return PyRepr.Repr(value);
            case 'd' or 'i' or 'u':
                long n = RequireNumber(value, conv) is double dv ? (long)Math.Truncate(dv) : PyNumbers.ToLong(value);
                return sign(n, n.ToString(CultureInfo.InvariantCulture));
            case 'x' or 'X' or 'o':
                long h = PyNumbers.IsIntegral(value) ? PyNumbers.ToLong(value) : throw new TemplateRuntimeException($"%{conv} format: an integer is required, not {PyTypes.Name(value)}");
                string digits = conv == 'o' ? System.Convert.ToString(Math.Abs(h), 8) : Math.Abs(h).ToString(conv == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
                if (alt) digits = (conv == 'o' ? "0o" : conv == 'x' ? "0x" : "0X") + digits;
                return sign(h, h < 0 ? "-" + digits : digits);
            case 'f' or 'F' or 'e' or 'E' or 'g' or 'G':
                double d = PyNumbers.ToDouble(RequireNumber(value, conv));
                int p = precision < 0 ? 6 : precision;
                string body = conv switch
                {
                    'f' or 'F' => PyNumberFormat.Fixed(d, p),
                    'e' or 'E' => PyNumberFormat.Exponent(d, p, conv == 'E'),
                    _ => PyNumberFormat.General(d, p, conv == 'G', alt),
                };
                return sign(d, body);
            case 'c':
                return value is string ch ? ch : PyText.FromCodePoints([(int)PyNumbers.ToLong(value)]);
            default:
                throw new TemplateRuntimeException($"unsupported format character '{conv}'");
        }
    }

    private static object? RequireNumber(object? value, char conv) => PyNumbers.IsNumber(value)
        ? value
        : throw new TemplateRuntimeException($"%{conv} format: a real number is required, not {PyTypes.Name(value)}");

    private static string Pad(string s, int width, string flags)
    {
        if (width <= s.Length) return s;
        if (flags.Contains('-', StringComparison.Ordinal)) return s.PadRight(width);
        if (flags.Contains('0', StringComparison.Ordinal) && s.Length > 0 && (char.IsAsciiDigit(s[^1]) || s[^1] == '.'))
        {
            int signLength = s[0] is '-' or '+' or ' ' ? 1 : 0;
            return s[..signLength] + new string('0', width - s.Length) + s[signLength..];
        }
        return s.PadLeft(width);
    }
}
