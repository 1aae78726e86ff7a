using System.Globalization;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's format-spec mini-language (<c>[[fill]align][sign][#][0][width][,][.precision][type]</c>) for <c>str.format</c>.</summary>
internal static class FormatSpec
{
    public static string Apply(object? value, string spec)
    {
        if (spec.Length == 0) return PyRepr.Str(value);
        int i = 0;
        char fill = ' ', align = '\0';
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=')
        {
            fill = spec[0];
            align = spec[1];
            i = 2;
        }
        else if (spec[0] is '<' or '>' or '^' or '=')
        {
            align = spec[0];
            i = 1;
        }
        char sign = '-';
        if (i < spec.Length && spec[i] is '+' or '-' or ' ') sign = spec[i++];
        bool alternate = i < spec.Length && spec[i] == '#';
        if (alternate) i++;
        if (i < spec.Length && spec[i] == '0' && align == '\0')
        {
            fill = '0';
            align = '=';
            i++;
        }
        int width = ReadInt(spec, ref i);
        char grouping = i < spec.Length && spec[i] is ',' or '_' ? spec[i++] : '\0';
        int precision = -1;
        if (i < spec.Length && spec[i] == '.')
        {
            i++;
            precision = ReadInt(spec, ref i);
        }
        char type = i < spec.Length ? spec[i++] : '\0';
        if (i != spec.Length) throw new TemplateRuntimeException("Invalid format specifier");

        string body;
        bool numeric = PyNumbers.IsNumber(value);
        if (value is string s)
        {
            if (type is not ('\0' or 's')) throw new TemplateRuntimeException($"Unknown format code '{type}' for object of type 'str'");
            body = precision >= 0 && precision < s.Length ? s[..precision] : s;
        }
        else if (numeric && (type is 'd' or 'x' or 'X' or 'o' or 'b' or 'c' || (type == '\0' && PyNumbers.IsIntegral(value) && precision < 0)))
        {
            if (!PyNumbers.IsIntegral(value)) throw new TemplateRuntimeException($"Unknown format code '{type}' for object of type 'float'");
            long n = PyNumbers.ToLong(value);
            body = type switch
            {
                'x' => Math.Abs(n).ToString("x", CultureInfo.InvariantCulture),
                'X' => Math.Abs(n).ToString("X", CultureInfo.InvariantCulture),
                'o' => Convert.ToString(Math.Abs(n), 8),
                'b' => Convert.ToString(Math.Abs(n), 2),
                'c' => PyText.FromCodePoints([(int)n]),
                _ => Group(Math.Abs(n).ToString(CultureInfo.InvariantCulture), grouping),
            };
            if (alternate && type is 'x' or 'X' or 'o' or 'b') body = "0" + (type == 'X' ? 'X' : type) + body;
            if (type != 'c') body = Signed(n < 0, body, sign);
        }
        else if (numeric)
        {
            double d = PyNumbers.ToDouble(value);
            int p = precision < 0 ? 6 : precision;
            body = type switch
            {
                'f' or 'F' => PyNumberFormat.Fixed(Math.Abs(d), p),
                'e' or 'E' => PyNumberFormat.Exponent(Math.Abs(d), p, type == 'E'),
                'g' or 'G' => PyNumberFormat.General(Math.Abs(d), p, type == 'G', alternate),
                '%' => PyNumberFormat.Fixed(Math.Abs(d) * 100, p) + "%",
                '\0' => precision < 0 ? PyFloat.Repr(Math.Abs(d)) : PyNumberFormat.General(Math.Abs(d), p),
                _ => throw new TemplateRuntimeException($"Unknown format code '{type}' for object of type 'float'"),
            };
            if (grouping != '\0')
            {
                int dot = body.IndexOf('.', StringComparison.Ordinal);
                body = dot < 0 ? Group(body, grouping) : Group(body[..dot], grouping) + body[dot..];
            }
            body = Signed(d < 0 || double.IsNegative(d), body, sign);
        }
        else
        {
            if (type != '\0') throw new TemplateRuntimeException($"Unknown format code '{type}' for object of type '{PyTypes.Name(value)}'");
            body = PyRepr.Str(value);
        }

        if (width <= body.Length) return body;
        if (align == '\0') align = numeric ? '>' : '<';
        int pad = width - body.Length;
        return align switch
        {
            '<' => body + new string(fill, pad),
            '>' => new string(fill, pad) + body,
            '^' => new string(fill, pad / 2) + body + new string(fill, pad - pad / 2),
            _ => body.Length > 0 && body[0] is '-' or '+' or ' '
                ? body[0] + new string(fill, pad) + body[1..]
                : new string(fill, pad) + body,
        };
    }

    private static int ReadInt(string spec, ref int i)
    {
        int start = i;
        while (i < spec.Length && char.IsAsciiDigit(spec[i])) i++;
        return i == start ? -1 : int.Parse(spec[start..i], CultureInfo.InvariantCulture);
    }

    private static string Signed(bool negative, string body, char sign) =>
        negative ? "-" + body : sign == '+' ? "+" + body : sign == ' ' ? " " + body : body;

    private static string Group(string digits, char separator)
    {
        if (separator == '\0' || digits.Length <= 3) return digits;
        var groups = new List<string>();
        for (int end = digits.Length; end > 0; end -= 3) groups.Insert(0, digits[Math.Max(0, end - 3)..end]);
        return string.Join(separator, groups);
    }
}
