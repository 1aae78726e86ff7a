using System.Text;

namespace InferenceServer.Models.Gguf;

/// <summary>Serializes CLR metadata values in GGUF's binary encoding.</summary>
internal static class GgufValueWriter
{
    public static GgufValueType TypeOf(object value)
    {
        if (value is Array a)
        {
            ElementTypeOf(a); // validates the elements
            return GgufValueType.Array;
        }
        return TypeOfClr(value.GetType())
            ?? throw new ArgumentException($"GGUF metadata cannot hold a {value.GetType().Name}");
    }

    private static GgufValueType? TypeOfClr(Type t) =>
        t == typeof(byte) ? GgufValueType.UInt8
        : t == typeof(sbyte) ? GgufValueType.Int8
        : t == typeof(ushort) ? GgufValueType.UInt16
        : t == typeof(short) ? GgufValueType.Int16
        : t == typeof(uint) ? GgufValueType.UInt32
        : t == typeof(int) ? GgufValueType.Int32
        : t == typeof(float) ? GgufValueType.Float32
        : t == typeof(bool) ? GgufValueType.Bool
        : t == typeof(string) ? GgufValueType.String
        : t == typeof(ulong) ? GgufValueType.UInt64
        : t == typeof(long) ? GgufValueType.Int64
        : t == typeof(double) ? GgufValueType.Float64
        : t.IsArray ? GgufValueType.Array
        : null;

    /// <summary>The GGUF element type of an array; an object[] must hold values of one type (e.g. nested arrays).</summary>
    public static GgufValueType ElementTypeOf(Array array)
    {
        Type e = array.GetType().GetElementType()!;
        if (e != typeof(object))
        {
            var t = TypeOfClr(e) ?? throw new ArgumentException($"GGUF metadata cannot hold an array of {e.Name}");
            if (t == GgufValueType.Array)
                foreach (object? item in array) ElementTypeOf((Array)item!);
            return t;
        }
        if (array.Length == 0) return GgufValueType.UInt8;
        GgufValueType first = TypeOf(array.GetValue(0)!);
        foreach (object? item in array)
        {
            if (item is null || TypeOf(item) != first)
                throw new ArgumentException("a GGUF metadata array must hold values of one type");
        }
        return first;
    }

    public static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    public static void WriteValue(BinaryWriter w, object value)
    {
        switch (value)
        {
            case byte v: w.Write(v); break;
            case sbyte v: w.Write(v); break;
            case ushort v: w.Write(v); break;
            case short v: w.Write(v); break;
            case uint v: w.Write(v); break;
            case int v: w.Write(v); break;
            case float v: w.Write(v); break;
            case bool v: w.Write(v ? (byte)1 : (byte)0); break;
            case string v: WriteString(w, v); break;
            case ulong v: w.Write(v); break;
            case long v: w.Write(v); break;
            case double v: w.Write(v); break;
            case Array a:
                w.Write((uint)ElementTypeOf(a));
                w.Write((ulong)a.Length);
                foreach (object? item in a) WriteValue(w, item!);
                break;
            default: throw new ArgumentException($"GGUF metadata cannot hold a {value.GetType().Name}");
        }
    }
}
