using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Kernels;

namespace InferenceServer.Backends.Tests;

public sealed class VectorMathTests
{
    [Fact]
    public void Exp_is_within_two_ulp_of_the_double_result_over_the_float_range()
    {
        var rng = new Random(3);
        for (int i = 0; i < 20000; i++)
        {
            var values = Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() * 170 - 85)).ToArray();
            var result = VectorMath.Exp(Vector512.Create(values));
            for (int j = 0; j < 16; j++)
            {
                double expected = Math.Exp(values[j]);
                double ulp = (double)MathF.BitIncrement((float)expected) - (float)expected;
                Assert.True(Math.Abs(result[j] - expected) <= 2 * ulp, $"exp({values[j]}) = {result[j]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void Exp_saturates_instead_of_overflowing()
    {
        var r = VectorMath.Exp(Vector512.Create(-1000f));
        Assert.InRange(r[0], 0f, 1e-37f);
        Assert.True(float.IsFinite(VectorMath.Exp(Vector512.Create(1000f))[0]));
        Assert.Equal(1f, VectorMath.Exp(Vector512<float>.Zero)[0]);
    }
}
