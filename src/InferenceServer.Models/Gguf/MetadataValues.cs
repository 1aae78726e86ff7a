using System.Globalization;

namespace InferenceServer.Models.Gguf;

/// <summary>Conversions between the CLR types GGUF metadata is held in.</summary>
public static class MetadataValues
{
    public static bool TryToLong(object value, out long result)
    {
        switch (value)
        {
            case byte v: result = v; return true;
            case sbyte v: result = v; return true;
            case ushort v: result = v; return true;
            case short v: result = v; return true;
            case uint v: result = v; return true;
            case int v: result = v; return true;
            case long v: result = v; return true;
            case ulong v when v <= long.MaxValue: result = (long)v; return true;
            default: result = 0; return false;
        }
    }

    public static bool TryToDouble(object value, out double result)
    {
        switch (value)
        {
            case float f: result = f; return true;
            case double d: result = d; return true;
            case ulong u: result = u; return true;
            default:
                bool ok = TryToLong(value, out long l);
                result = l;
                return ok;
        }
    }

    /// <summary>Converts a stored array to <typeparamref name="T"/>[]; numeric elements convert when in range.</summary>
    public static bool TryToArray<T>(object value, out T[] result)
    {
        if (value is T[] exact)
        {
            result = exact;
            return true;
        }
        result = [];
        if (value is not Array source || value is string) return false;
        var converted = new T[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            object? element = source.GetValue(i);
            if (element is T t) converted[i] = t;
            else if (element is IConvertible c && IsNumeric(typeof(T)) && IsNumeric(element.GetType()))
            {
                try { converted[i] = (T)c.ToType(typeof(T), CultureInfo.InvariantCulture); }
                catch (OverflowException) { return false; }
            }
            else return false;
        }
        result = converted;
        return true;
    }

    private static bool IsNumeric(Type t) =>
        t == typeof(byte) || t == typeof(sbyte) || t == typeof(ushort) || t == typeof(short) || t == typeof(uint)
        || t == typeof(int) || t == typeof(ulong) || t == typeof(long) || t == typeof(float) || t == typeof(double);
}
