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
}
