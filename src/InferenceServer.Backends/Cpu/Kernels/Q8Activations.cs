using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Activations quantized to Q8_0-style blocks (32 int8 + a float scale) so Q8_0 weights can be multiplied with
/// integer dot products, as llama.cpp does for decode.
/// </summary>
public static unsafe class Q8Activations
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
        for (int b = 0; b < k / 32; b++)
        {
            float* src = x + b * 32;
            var v0 = Vector512.Load(src);
            var v1 = Vector512.Load(src + 16);
            float amax = MaxAcross(Vector512.Max(Vector512.Abs(v0), Vector512.Abs(v1)));
            float d = amax / 127f;
            scales[b] = d;
            float inv = d != 0 ? 1f / d : 0f;
            var vi = Vector512.Create(inv);
            var i0 = Vector512.ConvertToInt32(Vector512.Round(v0 * vi));
            var i1 = Vector512.ConvertToInt32(Vector512.Round(v1 * vi));
            var s16 = Vector512.Narrow(i0, i1);
            Vector512.Narrow(s16, s16).GetLower().Store(q + b * 32);
        }
    }

    private static float MaxAcross(Vector512<float> v)
    {
        var m = Vector256.Max(v.GetLower(), v.GetUpper());
        var m2 = Vector128.Max(m.GetLower(), m.GetUpper());
        float r = m2.GetElement(0);
        for (int i = 1; i < 4; i++) r = Math.Max(r, m2.GetElement(i));
        return r;
    }
}
