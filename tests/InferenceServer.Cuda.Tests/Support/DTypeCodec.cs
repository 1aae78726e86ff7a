using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Models.Quantization;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>Floats to and from kernel storage bytes, rounding to nearest even (System.Half; the bf16 codec the CPU backend stores with).</summary>
internal static class DTypeCodec
{
    public static byte[] Encode(ReadOnlySpan<float> values, KernelDType dtype)
    {
        var bytes = new byte[values.Length * dtype.Size()];
        switch (dtype)
        {
            case KernelDType.F32: MemoryMarshal.AsBytes(values).CopyTo(bytes); break;
            case KernelDType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan());
                for (int i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
                break;
            case KernelDType.BF16:
                var bits = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
                for (int i = 0; i < values.Length; i++) bits[i] = BFloat16.FromSingle(values[i]);
                break;
        }
        return bytes;
    }

    public static float[] Decode(ReadOnlySpan<byte> bytes, KernelDType dtype)
    {
        var values = new float[bytes.Length / dtype.Size()];
        switch (dtype)
        {
            case KernelDType.F32: MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values); break;
            case KernelDType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < values.Length; i++) values[i] = (float)halves[i];
                break;
            case KernelDType.BF16:
                var bits = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                break;
        }
        return values;
    }

    /// <summary>The values as the storage type holds them (what a kernel reads), back as floats.</summary>
    public static float[] Round(ReadOnlySpan<float> values, KernelDType dtype) => Decode(Encode(values, dtype), dtype);

    /// <summary>Uniform random values in [-scale, scale) from a seeded generator.</summary>
    public static float[] Random(Random rng, int count, float scale = 1f)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return values;
    }
}
