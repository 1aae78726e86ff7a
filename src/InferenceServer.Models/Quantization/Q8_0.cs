using System.Buffers.Binary;

namespace InferenceServer.Models.Quantization;

/// <summary>
/// ggml's Q8_0 format, bit-exact with its reference quantizer: blocks of 32 values stored as an fp16 scale
/// d = amax / 127 followed by 32 int8 values q = round(x / d) (rounding half away from zero).
/// </summary>
public static class Q8_0
{
    public const int BlockSize = 32;
    public const int BlockBytes = 2 + BlockSize;

    /// <summary>Bytes needed for <paramref name="values"/> values (a multiple of 32).</summary>
    public static long ByteCount(long values)
    {
        if (values % BlockSize != 0) throw new ArgumentException($"Q8_0 needs a multiple of {BlockSize} values, got {values}", nameof(values));
        return values / BlockSize * BlockBytes;
    }

    /// <summary>Quantizes <paramref name="source"/> (length a multiple of 32) into <paramref name="destination"/>.</summary>
    public static void Quantize(ReadOnlySpan<float> source, Span<byte> destination)
    {
        long bytes = ByteCount(source.Length);
        if (destination.Length < bytes) throw new ArgumentException($"destination needs {bytes} bytes", nameof(destination));
        int blocks = source.Length / BlockSize;
        for (int b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * BlockSize, BlockSize);
            var y = destination.Slice(b * BlockBytes, BlockBytes);
            float amax = 0;
            foreach (float v in x) amax = MathF.Max(amax, MathF.Abs(v));
            // As ggml: the scale is computed and applied in fp32; only the stored copy is rounded to fp16.
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(y, (Half)d);
            for (int j = 0; j < BlockSize; j++)
                y[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>Expands Q8_0 blocks in <paramref name="source"/> into <paramref name="destination"/> (length a multiple of 32).</summary>
    public static void Dequantize(ReadOnlySpan<byte> source, Span<float> destination)
    {
        long bytes = ByteCount(destination.Length);
        if (source.Length < bytes) throw new ArgumentException($"source needs {bytes} bytes", nameof(source));
        int blocks = destination.Length / BlockSize;
        for (int b = 0; b < blocks; b++)
        {
            var y = source.Slice(b * BlockBytes, BlockBytes);
            float d = (float)BinaryPrimitives.ReadHalfLittleEndian(y);
            var x = destination.Slice(b * BlockSize, BlockSize);
            for (int j = 0; j < BlockSize; j++) x[j] = d * (sbyte)y[2 + j];
        }
    }
}
