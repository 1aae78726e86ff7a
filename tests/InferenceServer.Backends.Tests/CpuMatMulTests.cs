using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Core.Tensors;
using InferenceServer.TestSupport;

namespace InferenceServer.Backends.Tests;

public sealed class CpuMatMulTests : IDisposable
{
    private CpuBackend _backend = null!;

    /// <summary>The backend of this test, on <paramref name="isa"/>'s kernels.</summary>
    private void Use(CpuIsa isa) => _backend = new CpuBackend(threads: 2, isa);
    private readonly TestWeights _weights = new();

    public static TheoryData<TensorDType, int, int, int> Cases()
    {
        var data = new TheoryData<TensorDType, int, int, int>();
        foreach (var dtype in new[] { TensorDType.F32, TensorDType.F16, TensorDType.BF16, TensorDType.Q8_0 })
        {
            foreach (var rows in new[] { 1, 3, 4, 5, 8, 13, 24, 33 })
            {
                data.Add(dtype, rows, 96, 64);   // 96 outputs: last GEMM panel only partly filled
                data.Add(dtype, rows, 256, 160);
            }
        }
        return data;
    }

    [Theory]
    [EveryCpuPathMember(nameof(Cases))]
    public void MatMul_matches_double_reference(CpuIsa isa, TensorDType dtype, int rows, int outFeatures, int inFeatures)
    {
        Use(isa);
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
        // Q8_0 matmuls on paths with int8 dot products quantize activations to int8 (as llama.cpp does): allow
        // that error, relative to Σ|w·x|.
        bool int8 = dtype == TensorDType.Q8_0 && _backend.QuantizesActivations(rows);
        double relative = int8 ? 1e-2 : 1e-5;
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

    [Theory]
    [EveryCpuPath(1)]
    [EveryCpuPath(4)]
    [EveryCpuPath(64)]
    public void Every_finite_fp16_weight_is_widened_exactly(CpuIsa isa, int tokens)
    {
        // All 63,488 finite fp16 values (zeros and subnormals included, spread so that most 32-value chunks mix
        // them with normal values), times one-hot activations: each output is one weight times 1, which is exact,
        // so any widening error shows bit for bit. GEMV widens per chunk with a fast path for chunks without zeros
        // or subnormals; GEMM widens whole rows.
        Use(isa);
        const int cols = 1024;
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).Where(h => (h & 0x7C00) != 0x7C00).ToArray();
        new Random(7).Shuffle(bits);
        int rows = bits.Length / cols;
        var w = _backend.LoadWeight(_weights.Halves("w", bits, rows, cols), TensorDType.F16);
        var xb = _backend.Allocate((long)tokens * cols);
        var yb = _backend.Allocate((long)tokens * rows);
        var x = new float[tokens * cols];
        var y = new float[tokens * rows];
        for (int c0 = 0; c0 < cols; c0 += tokens)
        {
            Array.Clear(x);
            for (int t = 0; t < tokens; t++) x[t * cols + c0 + t] = 1f;
            _backend.CopyFromHost(x, xb);
            _backend.MatMul(xb, tokens, w, null, yb);
            _backend.CopyToHost(yb, y);
            for (int t = 0; t < tokens; t++)
            {
                for (int r = 0; r < rows; r++)
                {
                    ushort h = bits[r * cols + c0 + t];
                    float expected = (float)BitConverter.UInt16BitsToHalf(h);
                    Assert.True(y[t * rows + r] == expected, $"fp16 0x{h:X4}: got {y[t * rows + r]:R}, expected {expected:R}");
                }
            }
        }
    }

    [Theory]
    [EveryCpuPath(5, 96, 64)]
    [EveryCpuPath(17, 256, 160)]
    [EveryCpuPath(40, 100, 96)]
    public void Q8_0_gemm_rows_equal_the_gemv_of_each_row(CpuIsa isa, int rows, int outFeatures, int inFeatures)
    {
        Use(isa);
        // Both kernels take the same int8 dot products of the same quantized activations; only the float
        // accumulation order differs, so any packing or tiling mistake shows far above that rounding. (A path
        // whose GEMM dequantizes weights instead is checked against the double reference above.)
        if (!_backend.QuantizesActivations(rows)) return;
        var rng = new Random(rows * 7 + outFeatures);
        var w = _backend.LoadWeight(_weights.Make("w", TensorDType.Q8_0, outFeatures, inFeatures, rng, out _), TensorDType.Q8_0);
        var x = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var xb = _backend.Allocate(x.Length);
        var yb = _backend.Allocate((long)rows * outFeatures);
        var row = _backend.Allocate(inFeatures);
        var one = _backend.Allocate(outFeatures);
        _backend.CopyFromHost(x, xb);
        _backend.MatMul(xb, rows, w, null, yb);
        var batched = new float[rows * outFeatures];
        _backend.CopyToHost(yb, batched);
        var single = new float[outFeatures];
        for (int t = 0; t < rows; t++)
        {
            _backend.CopyFromHost(x.AsSpan(t * inFeatures, inFeatures), row);
            _backend.MatMul(row, 1, w, null, one);
            _backend.CopyToHost(one, single);
            for (int o = 0; o < outFeatures; o++)
                Assert.True(Math.Abs(batched[t * outFeatures + o] - single[o]) <= 1e-4 * (1 + Math.Abs(single[o])), $"[{t},{o}]: gemm {batched[t * outFeatures + o]}, gemv {single[o]}");
        }
    }

    [Theory]
    [EveryCpuPath]
    public void LoadWeight_converts_between_storage_types(CpuIsa isa)
    {
        Use(isa);
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

    [Theory]
    [EveryCpuPath]
    public void LoadWeight_rejects_rows_that_are_not_a_multiple_of_32(CpuIsa isa)
    {
        Use(isa);
        var tensor = _weights.Make("odd", TensorDType.F32, 4, 48, new Random(1), out _);
        var e = Assert.Throws<ArgumentException>(() => _backend.LoadWeight(tensor, TensorDType.F32));
        Assert.Contains("odd", e.Message, StringComparison.Ordinal);
        Assert.Contains("48", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _backend?.Dispose();
        _weights.Dispose();
    }
}
