using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Kernels;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.TestSupport;

namespace InferenceServer.Backends.Tests;

public sealed class VectorMathTests
{
    /// <summary>e^x of every value through <paramref name="isa"/>'s vector exp (lengths are multiples of every width).</summary>
    private static unsafe float[] Exp(CpuIsa isa, float[] values)
    {
        var result = new float[values.Length];
        fixed (float* x = values, y = result)
        {
            for (int i = 0; i < values.Length; i += 16)
            {
                switch (isa)
                {
                    case CpuIsa.Avx512: Simd512.Store(VectorMath<Simd512, Vector512<float>>.Exp(Simd512.Load(x + i)), y + i); break;
                    case CpuIsa.Avx2:
                        for (int j = 0; j < 16; j += 8) Simd256.Store(VectorMath<Simd256, Vector256<float>>.Exp(Simd256.Load(x + i + j)), y + i + j);
                        break;
                    default:
                        for (int j = 0; j < 16; j += 4) Simd128.Store(VectorMath<Simd128, Vector128<float>>.Exp(Simd128.Load(x + i + j)), y + i + j);
                        break;
                }
            }
        }
        return result;
    }

    [Theory]
    [EveryCpuPath]
    public void Exp_is_within_two_ulp_of_the_double_result_over_the_float_range(CpuIsa isa)
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 16 * 20000).Select(_ => (float)(rng.NextDouble() * 170 - 85)).ToArray();
        var result = Exp(isa, values);
        for (int j = 0; j < values.Length; j++)
        {
            double expected = Math.Exp(values[j]);
            double ulp = (double)MathF.BitIncrement((float)expected) - (float)expected;
            Assert.True(Math.Abs(result[j] - expected) <= 2 * ulp, $"exp({values[j]}) = {result[j]}, expected {expected}");
        }
    }

    [Theory]
    [EveryCpuPath]
    public void Exp_saturates_instead_of_overflowing(CpuIsa isa)
    {
        var r = Exp(isa, Enumerable.Repeat(-1000f, 16).ToArray());
        Assert.InRange(r[0], 0f, 1e-37f);
        Assert.True(float.IsFinite(Exp(isa, Enumerable.Repeat(1000f, 16).ToArray())[0]));
        Assert.Equal(1f, Exp(isa, new float[16])[0]);
    }
}
