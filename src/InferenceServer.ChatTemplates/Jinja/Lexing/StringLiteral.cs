using System.Globalization;
using System.Text;

namespace InferenceServer.ChatTemplates.Jinja.Lexing;

/// <summary>Decodes the escapes of a quoted template string the way Jinja2 does (Python's unicode-escape codec).</summary>
internal static class StringLiteral
{
    public static string Unescape(string body, int line)
    {
        if (!body.Contains('\\', StringComparison.Ordinal)) return body;
        var sb = new StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '\\' || i + 1 >= body.Length)
            {
                sb.Append(c);
                continue;
            }
            char e = body[++i];
            switch (e)
            {
                case '\n': break; // a backslash before a newline continues the line
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': i = Hex(body, i, 2, sb, line, "\\xXX"); break;
                case 'u': i = Hex(body, i, 4, sb, line, "\\uXXXX"); break;
                case 'U': i = Hex(body, i, 8, sb, line, "\\UXXXXXXXX"); break;
                case 'N': throw new TemplateSyntaxException("\\N{...} character-name escapes are not supported", line);
                case >= '0' and <= '7':
                    int end = i;
                    while (end < body.Length && end < i + 3 && body[end] is >= '0' and <= '7') end++;
                    sb.Append((char)Convert.ToInt32(body[i..end], 8));
                    i = end - 1;
                    break;
                default:
                    // Python keeps unknown escapes as they are.
                    sb.Append('\\').Append(e);
                    break;
            }
        }
        return sb.ToString();
    }

    private static int Hex(string body, int at, int digits, StringBuilder sb, int line, string form)
    {
        string hex = at + 1 + digits <= body.Length ? body.Substring(at + 1, digits) : "";
        if (hex.Length != digits || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long cp))
            throw new TemplateSyntaxException($"truncated {form} escape", line);
        if (cp > 0x10FFFF) throw new TemplateSyntaxException("illegal Unicode character", line);
        if (cp > 0xFFFF) sb.Append(char.ConvertFromUtf32((int)cp));
        else sb.Append((char)cp);
        return at + digits;
    }
}
