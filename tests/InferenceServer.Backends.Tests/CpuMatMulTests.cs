using InferenceServer.Backends.Cpu;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends.Tests;

public sealed class CpuMatMulTests : IDisposable
{
    private readonly CpuBackend _backend = new(threads: 2);
    private readonly TestWeights _weights = new();

    public static TheoryData<TensorDType, int, int, int> Cases()
    {
        var data = new TheoryData<TensorDType, int, int, int>();
        foreach (var dtype in new[] { TensorDType.F32, TensorDType.F16, TensorDType.BF16, TensorDType.Q8_0 })
        {
            foreach (var rows in new[] { 1, 3, 4, 5, 8, 13, 24 })
            {
                data.Add(dtype, rows, 96, 64);   // 96 outputs: last GEMM panel only partly filled
                data.Add(dtype, rows, 256, 160);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatMul_matches_double_reference(TensorDType dtype, int rows, int outFeatures, int inFeatures)
    {
        var rng = new Random(outFeatures * 31 + inFeatures + rows);
        var tensor = _weights.Make("w", dtype, outFeatures, inFeatures, rng, out var exact);
        var biasValues = Enumerable.Range(0, outFeatures).Select(i => (float)(rng.NextDouble() - 0.5)).ToArray();
        var w = _backend.LoadWeight(tensor, dtype);
        var bias = _backend.LoadWeight(_weights.Vector("bias", biasValues), TensorDType.F32);
        var x = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var xb = _backend.Allocate(x.Length);
        var yb = _backend.Allocate((long)rows * outFeatures);
        _backend.CopyFromHost(x, xb);

        _backend.MatMul(xb, rows, w, bias, yb);

        var y = new float[rows * outFeatures];
        _backend.CopyToHost(yb, y);
        // Q8_0 decode quantizes activations to int8 (as llama.cpp does): allow that error, relative to Σ|w·x|.
        double relative = dtype == TensorDType.Q8_0 && rows <= 4 ? 1e-2 : 1e-5;
        for (int t = 0; t < rows; t++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double expected = biasValues[o], magnitude = 0;
                for (int i = 0; i < inFeatures; i++)
                {
                    double p = exact[o * inFeatures + i] * x[t * inFeatures + i];
                    expected += p;
                    magnitude += Math.Abs(p);
                }
                Assert.True(Math.Abs(y[t * outFeatures + o] - expected) <= relative * magnitude + 1e-5,
                    $"{dtype} rows={rows} [{t},{o}]: got {y[t * outFeatures + o]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void LoadWeight_converts_between_storage_types()
    {
        var rng = new Random(7);
        var tensor = _weights.Make("w", TensorDType.F32, 8, 64, rng, out var exact);
        foreach (var storage in new[] { TensorDType.F16, TensorDType.BF16, TensorDType.Q8_0 })
        {
            var w = _backend.LoadWeight(tensor, storage);
            Assert.Equal(storage, w.DType);
            // Multiply by unit vectors to read back the stored values.
            var x = new float[64];
            var xb = _backend.Allocate(64);
            var yb = _backend.Allocate(8);
            var y = new float[8];
            for (int i = 0; i < 64; i += 7)
            {
                Array.Clear(x);
                x[i] = 1;
                _backend.CopyFromHost(x, xb);
                _backend.MatMul(xb, 1, w, null, yb);
                _backend.CopyToHost(yb, y);
                double tolerance = storage switch { TensorDType.F16 => 1e-3, TensorDType.BF16 => 4e-3, _ => 0.5 / 127 + 1e-3 };
                for (int o = 0; o < 8; o++) Assert.Equal(exact[o * 64 + i], y[o], tolerance);
            }
        }
    }

    [Fact]
    public void LoadWeight_rejects_rows_that_are_not_a_multiple_of_32()
    {
        var tensor = _weights.Make("odd", TensorDType.F32, 4, 48, new Random(1), out _);
        var e = Assert.Throws<ArgumentException>(() => _backend.LoadWeight(tensor, TensorDType.F32));
        Assert.Contains("odd", e.Message, StringComparison.Ordinal);
        Assert.Contains("48", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _backend.Dispose();
        _weights.Dispose();
    }
}
