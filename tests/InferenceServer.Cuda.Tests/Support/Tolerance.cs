using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>
/// How far a kernel's output may be from the C# reference: a number of units in the last place of the storage type
/// at the reference value, plus an absolute floor for results near zero (where cancellation leaves float noise).
/// </summary>
internal readonly record struct Tolerance(double Ulps, double Absolute)
{
    /// <summary>fp32: reductions in another order and the GPU's exp differ by a few ulp; fp16/bf16: the final rounding (one ulp) plus float noise.</summary>
    public static Tolerance For(KernelDType dtype) => dtype switch
    {
        KernelDType.F32 => new Tolerance(64, 1e-6),
        _ => new Tolerance(2, 1e-6),
    };

    /// <summary>An exact match (copies, conversions that must round identically).</summary>
    public static Tolerance Exact => new(0, 0);

    /// <summary>One ulp of <paramref name="dtype"/> at <paramref name="value"/>.</summary>
    public static double Ulp(double value, KernelDType dtype)
    {
        int exponent = value == 0 ? -126 : Math.ILogB(value);
        return dtype switch
        {
            KernelDType.F32 => Math.ScaleB(1, Math.Max(exponent, -126) - 23),
            KernelDType.F16 => Math.ScaleB(1, Math.Max(exponent, -14) - 10),
            _ => Math.ScaleB(1, Math.Max(exponent, -126) - 7),
        };
    }

    /// <summary>Asserts every element is within tolerance and records the worst error (absolute, and in ulps beyond the floor) for the report.</summary>
    public void Check(string kernel, KernelDType dtype, string device, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worstUlps = 0, worstAbs = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            double ulps = diff / Ulp(expected[i], dtype);
            if (double.IsNaN(diff) || diff > Ulps * Ulp(expected[i], dtype) + Absolute)
                Assert.Fail($"{kernel} {dtype} on {device}: element {i} is {actual[i]}, reference {expected[i]} ({ulps:F1} ulp, tolerance {Ulps} ulp + {Absolute})");
            // Ulps are reported only where the error exceeds the absolute floor: near zero (e.g. GELU of -12 ≈ 1e-30)
            // a float-noise error is millions of ulps of a tiny reference and says nothing about the kernel.
            if (diff > Absolute) worstUlps = Math.Max(worstUlps, ulps);
            worstAbs = Math.Max(worstAbs, diff);
        }
        ErrorLedger.Record(kernel, dtype, device, expected.Length, worstAbs, worstUlps);
    }
}
