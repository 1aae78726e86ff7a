using System.Runtime.CompilerServices;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>Small vectorized helpers over float arrays (raw pointers, any length) for one SIMD path.</summary>
public static unsafe class VectorMath<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>Σ a[i]·b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* a, float* b, int n)
    {
        int i = 0, w = TS.Width;
        TV acc = default;
        for (; i + w <= n; i += w) acc = TS.MultiplyAdd(TS.Load(a + i), TS.Load(b + i), acc);
        float s = TS.Sum(acc);
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>
    /// e^x per lane: Cephes-style range reduction and a degree-6 polynomial (about 1-2 ulp). .NET's vector Exp ran at
    /// scalar speed (2.7 ns per value), which made softmax and SiLU dominate attention. Inputs are clamped to
    /// [-87.3, 88], so very negative inputs give ~1e-38 rather than 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp(TV x)
    {
        x = TS.Min(TS.Max(x, TS.Create(-87.33654f)), TS.Create(88.0f));
        var n = TS.Round(TS.Multiply(x, TS.Create(1.44269504088896341f)));
        var r = TS.MultiplyAdd(n, TS.Create(-0.693359375f), x);
        r = TS.MultiplyAdd(n, TS.Create(2.12194440e-4f), r);
        var p = TS.Create(1.9875691500E-4f);
        p = TS.MultiplyAdd(p, r, TS.Create(1.3981999507E-3f));
        p = TS.MultiplyAdd(p, r, TS.Create(8.3334519073E-3f));
        p = TS.MultiplyAdd(p, r, TS.Create(4.1665795894E-2f));
        p = TS.MultiplyAdd(p, r, TS.Create(1.6666665459E-1f));
        p = TS.MultiplyAdd(p, r, TS.Create(5.0000001201E-1f));
        p = TS.MultiplyAdd(p, TS.Multiply(r, r), TS.Add(r, TS.Create(1f)));
        return TS.Multiply(p, TS.Pow2(n));
    }

    /// <summary>Largest value.</summary>
    public static float Max(float* x, int n)
    {
        int i = 0, w = TS.Width;
        float m = float.NegativeInfinity;
        if (n >= w)
        {
            var vm = TS.Load(x);
            for (i = w; i + w <= n; i += w) vm = TS.Max(vm, TS.Load(x + i));
            m = TS.MaxAcross(vm);
        }
        for (; i < n; i++) m = Math.Max(m, x[i]);
        return m;
    }

    /// <summary>x[i] = exp(x[i] - max); returns the sum.</summary>
    public static float ExpShiftedSum(float* x, int n, float max)
    {
        int i = 0, w = TS.Width;
        var vmax = TS.Create(max);
        TV acc = default;
        for (; i + w <= n; i += w)
        {
            var e = Exp(TS.Subtract(TS.Load(x + i), vmax));
            TS.Store(e, x + i);
            acc = TS.Add(acc, e);
        }
        float s = TS.Sum(acc);
        for (; i < n; i++)
        {
            x[i] = MathF.Exp(x[i] - max);
            s += x[i];
        }
        return s;
    }

    /// <summary>x[i] *= a.</summary>
    public static void Scale(float* x, float a, int n)
    {
        int i = 0, w = TS.Width;
        var va = TS.Create(a);
        for (; i + w <= n; i += w) TS.Store(TS.Multiply(TS.Load(x + i), va), x + i);
        for (; i < n; i++) x[i] *= a;
    }
}
