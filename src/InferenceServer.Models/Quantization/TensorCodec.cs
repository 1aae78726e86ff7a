using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Quantization;

/// <summary>Converts between fp32 values and the byte layout of each storage type.</summary>
public static class TensorCodec
{
    /// <summary>Encodes <paramref name="source"/> as <paramref name="dtype"/> into <paramref name="destination"/> (little-endian).</summary>
    public static void Encode(ReadOnlySpan<float> source, TensorDType dtype, Span<byte> destination)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case TensorDType.F16:
                for (int i = 0; i < source.Length; i++)
                    BinaryPrimitives.WriteHalfLittleEndian(destination.Slice(i * 2, 2), (Half)source[i]);
                break;
            case TensorDType.BF16:
                for (int i = 0; i < source.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(i * 2, 2), BFloat16.FromSingle(source[i]));
                break;
            case TensorDType.Q8_0:
                Q8_0.Quantize(source, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype));
        }
    }

    /// <summary>Decodes <paramref name="destination"/>.Length values of <paramref name="dtype"/> from <paramref name="source"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> source, TensorDType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                source[..(destination.Length * 4)].CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case TensorDType.F16:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(i * 2, 2));
                break;
            case TensorDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BFloat16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2, 2)));
                break;
            case TensorDType.Q8_0:
                Q8_0.Dequantize(source, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype));
        }
    }

    /// <summary>
    /// Re-encodes <paramref name="rows"/> rows of <paramref name="columns"/> values from <paramref name="from"/> at
    /// <paramref name="source"/> to <paramref name="to"/> at <paramref name="destination"/>, through fp32 one row at a
    /// time in <paramref name="row"/> (at least <paramref name="columns"/> floats). Pointers, because weight matrices
    /// pass the 2 GiB a span can cover.
    /// </summary>
    public static unsafe void ConvertRows(byte* source, TensorDType from, byte* destination, TensorDType to, long rows, int columns, Span<float> row)
    {
        int fromBytes = checked((int)from.RowBytes(columns)), toBytes = checked((int)to.RowBytes(columns));
        var values = row[..columns];
        for (long r = 0; r < rows; r++)
        {
            Decode(new ReadOnlySpan<byte>(source + r * fromBytes, fromBytes), from, values);
            Encode(values, to, new Span<byte>(destination + r * toBytes, toBytes));
        }
    }

    /// <summary>Replaces <paramref name="values"/> by what <paramref name="dtype"/> stores for them (fp16/bf16 rounding, Q8_0 blocks).</summary>
    public static void Round(Span<float> values, TensorDType dtype)
    {
        if (dtype == TensorDType.F32) return;
        int bytes = checked((int)dtype.RowBytes(values.Length));
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            Encode(values, dtype, rented.AsSpan(0, bytes));
            Decode(rented.AsSpan(0, bytes), dtype, values);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
