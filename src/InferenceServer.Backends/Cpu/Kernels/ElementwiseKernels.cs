using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>Activation and residual kernels.</summary>
public static unsafe class ElementwiseKernels
{
    /// <summary>out[i] = silu(gate[i]) * up[i].</summary>
    public static void SiluMul(float* gate, float* up, float* output, long n)
    {
        long i = 0;
        var one = Vector512.Create(1f);
        for (; i + 16 <= n; i += 16)
        {
            var g = Vector512.Load(gate + i);
            (g / (one + VectorMath.Exp(-g)) * Vector512.Load(up + i)).Store(output + i);
        }
        for (; i < n; i++) output[i] = gate[i] / (1f + MathF.Exp(-gate[i])) * up[i];
    }

    /// <summary>a[i] += b[i].</summary>
    public static void Add(float* a, float* b, long n)
    {
        long i = 0;
        for (; i + 16 <= n; i += 16) (Vector512.Load(a + i) + Vector512.Load(b + i)).Store(a + i);
        for (; i < n; i++) a[i] += b[i];
    }
}
