using System.Globalization;
using System.Text;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's <c>str.format</c>: <c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>.attr</c>/<c>[key]</c> lookups, <c>!r</c>/<c>!s</c> and format specs.</summary>
internal static class StrFormat
{
    public static string Apply(string format, CallArguments args)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}') i++;
                else throw new TemplateRuntimeException("Single '}' encountered in format string");
                sb.Append('}');
                continue;
            }
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }
            int close = format.IndexOf('}', i);
            if (close < 0) throw new TemplateRuntimeException("Single '{' encountered in format string");
            string field = format[(i + 1)..close];
            i = close;
            string spec = "";
            int colon = field.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                spec = field[(colon + 1)..];
                field = field[..colon];
            }
            char conversion = '\0';
            int bang = field.IndexOf('!', StringComparison.Ordinal);
            if (bang >= 0)
            {
                conversion = field[(bang + 1)..] is [var cv] ? cv : throw new TemplateRuntimeException("invalid conversion in format string");
                field = field[..bang];
            }
            object? value = Lookup(field, args, ref auto);
            if (conversion == 'r' || conversion == 'a') value = PyRepr.Repr(value);
            else if (conversion == 's') value = PyRepr.Str(value);
            sb.Append(FormatSpec.Apply(value, spec));
        }
        return sb.ToString();
    }

    private static object? Lookup(string field, CallArguments args, ref int auto)
    {
        int end = field.IndexOfAny(['.', '[']);
        string head = end < 0 ? field : field[..end];
        object? value;
        if (head.Length == 0)
            value = auto < args.Positional.Count ? args.Positional[auto++] : throw new TemplateRuntimeException($"Replacement index {auto} out of range for positional args tuple");
        else if (int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            value = index < args.Positional.Count ? args.Positional[index] : throw new TemplateRuntimeException($"Replacement index {index} out of range for positional args tuple");
        else
            value = args.TryGetNamed(head, out var named) ? named : throw new TemplateRuntimeException($"KeyError: {PyRepr.Repr(head)}");
        int pos = end < 0 ? field.Length : end;
        while (pos < field.Length)
        {
            if (field[pos] == '.')
            {
                int stop = field.IndexOfAny(['.', '['], pos + 1);
                if (stop < 0) stop = field.Length;
                value = PyAccess.GetAttribute(value, field[(pos + 1)..stop]);
                pos = stop;
            }
            else
            {
                int stop = field.IndexOf(']', pos);
                if (stop < 0) throw new TemplateRuntimeException("Missing ']' in format string");
                string key = field[(pos + 1)..stop];
                value = PyAccess.GetItem(value, long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long k) ? k : key);
                pos = stop + 1;
            }
        }
        return value;
    }
}
