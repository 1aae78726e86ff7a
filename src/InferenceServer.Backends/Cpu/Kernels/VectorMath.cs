using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>Small vectorized helpers over float spans (raw pointers, any length).</summary>
public static unsafe class VectorMath
{
    /// <summary>Σ a[i]·b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        var acc = Vector512<float>.Zero;
        for (; i + 16 <= n; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc);
        float s = Vector512.Sum(acc);
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y[i] += a·x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(float* y, float a, float* x, int n)
    {
        int i = 0;
        var va = Vector512.Create(a);
        for (; i + 16 <= n; i += 16) Vector512.FusedMultiplyAdd(va, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
        for (; i < n; i++) y[i] += a * x[i];
    }

    /// <summary>Largest value.</summary>
    public static float Max(float* x, int n)
    {
        int i = 0;
        float m = float.NegativeInfinity;
        if (n >= 16)
        {
            var vm = Vector512.Load(x);
            for (i = 16; i + 16 <= n; i += 16) vm = Vector512.Max(vm, Vector512.Load(x + i));
            for (int j = 0; j < 16; j++) m = Math.Max(m, vm.GetElement(j));
        }
        for (; i < n; i++) m = Math.Max(m, x[i]);
        return m;
    }

    /// <summary>x[i] = exp(x[i] - max); returns the sum.</summary>
    public static float ExpShiftedSum(float* x, int n, float max)
    {
        int i = 0;
        var vmax = Vector512.Create(max);
        var acc = Vector512<float>.Zero;
        for (; i + 16 <= n; i += 16)
        {
            var e = Vector512.Exp(Vector512.Load(x + i) - vmax);
            e.Store(x + i);
            acc += e;
        }
        float s = Vector512.Sum(acc);
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
        int i = 0;
        var va = Vector512.Create(a);
        for (; i + 16 <= n; i += 16) (Vector512.Load(x + i) * va).Store(x + i);
        for (; i < n; i++) x[i] *= a;
    }
}
