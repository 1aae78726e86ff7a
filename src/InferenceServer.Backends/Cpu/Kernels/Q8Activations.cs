using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Activations quantized to Q8_0-style blocks (32 int8 + a float scale) so Q8_0 weights can be multiplied with
/// integer dot products, as llama.cpp does for decode.
/// </summary>
public static unsafe class Q8Activations<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>Quantizes <paramref name="rows"/> rows of <paramref name="k"/> floats, row after row into <paramref name="q"/> and <paramref name="scales"/>.</summary>
    public static void QuantizeRows(float* x, int rows, int k, sbyte* q, float* scales)
    {
        int blocks = k / 32;
        for (int r = 0; r < rows; r++) Quantize(x + (long)r * k, k, q + (long)r * k, scales + (long)r * blocks);
    }

    /// <summary>Quantizes <paramref name="k"/> floats (a multiple of 32) into <paramref name="q"/> and per-block <paramref name="scales"/>.</summary>
    public static void Quantize(float* x, int k, sbyte* q, float* scales)
    {
        int w = TS.Width;
        for (int b = 0; b < k / 32; b++)
        {
            float* src = x + b * 32;
            TV amax = TS.Abs(TS.Load(src));
            for (int i = w; i < 32; i += w) amax = TS.Max(amax, TS.Abs(TS.Load(src + i)));
            float d = TS.MaxAcross(amax) / 127f;
            scales[b] = d;
            var inv = TS.Create(d != 0 ? 1f / d : 0f);
            for (int i = 0; i < 32; i += w) TS.StoreRoundedSByte(TS.Multiply(TS.Load(src + i), inv), q + b * 32 + i);
        }
    }
}
