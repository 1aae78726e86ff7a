using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>Activation and residual kernels.</summary>
public static unsafe class ElementwiseKernels<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>out[i] = silu(gate[i]) * up[i].</summary>
    public static void SiluMul(float* gate, float* up, float* output, long n)
    {
        long i = 0;
        int w = TS.Width;
        var one = TS.Create(1f);
        for (; i + w <= n; i += w)
        {
            var g = TS.Load(gate + i);
            var e = VectorMath<TS, TV>.Exp(TS.Subtract(default, g));
            TS.Store(TS.Multiply(TS.Divide(g, TS.Add(one, e)), TS.Load(up + i)), output + i);
        }
        for (; i < n; i++) output[i] = gate[i] / (1f + MathF.Exp(-gate[i])) * up[i];
    }

    /// <summary>a[i] += b[i].</summary>
    public static void Add(float* a, float* b, long n)
    {
        long i = 0;
        int w = TS.Width;
        for (; i + w <= n; i += w) TS.Store(TS.Add(TS.Load(a + i), TS.Load(b + i)), a + i);
        for (; i < n; i++) a[i] += b[i];
    }
}
