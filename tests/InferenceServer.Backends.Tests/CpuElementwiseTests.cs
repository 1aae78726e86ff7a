using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;

using InferenceServer.TestSupport;

namespace InferenceServer.Backends.Tests;

public sealed class CpuElementwiseTests : IDisposable
{
    private CpuBackend _backend = null!;

    /// <summary>The backend of this test, on <paramref name="isa"/>'s kernels.</summary>
    private void Use(CpuIsa isa) => _backend = new CpuBackend(threads: 2, isa);
    private readonly TestWeights _weights = new();
    private readonly Random _rng = new(42);

    [Theory]
    [EveryCpuPath(1, 128)]
    [EveryCpuPath(5, 100)]
    [EveryCpuPath(3, 16)]
    public void RmsNorm_matches_reference(CpuIsa isa, int rows, int dim)
    {
        Use(isa);
        var x = Random(rows * dim);
        var weight = Random(dim);
        var y = Run(x, rows * dim, (xb, yb) => _backend.RmsNorm(xb, _backend.LoadWeight(_weights.Vector("n.vector", weight), TensorDType.F32), 1e-5f, rows, dim, yb));
        for (int r = 0; r < rows; r++)
        {
            double ms = 0;
            for (int i = 0; i < dim; i++) ms += (double)x[r * dim + i] * x[r * dim + i];
            double inv = 1 / Math.Sqrt(ms / dim + 1e-5);
            for (int i = 0; i < dim; i++) Assert.Equal(x[r * dim + i] * inv * weight[i], y[r * dim + i], 1e-5);
        }
    }

    [Theory]
    [EveryCpuPath(64, null)]
    [EveryCpuPath(16, null)]
    [EveryCpuPath(128, 8.0)]
    public void Rope_rotates_pairs_half_a_head_apart(CpuIsa isa, int headDim, double? llama3Factor)
    {
        Use(isa);
        var scaling = llama3Factor is double f ? new RopeScaling(f, 1, 4, 64) : null;
        var table = new RopeTable(200, headDim, 10000, scaling);
        int tokens = 3, qHeads = 4, kvHeads = 2;
        int[] positions = [0, 17, 199];
        var q = Random(tokens * qHeads * headDim);
        var k = Random(tokens * kvHeads * headDim);
        var qb = Upload(q);
        var kb = Upload(k);
        _backend.Rope(qb, kb, positions, qHeads, kvHeads, headDim, table);
        var qOut = new float[q.Length];
        _backend.CopyToHost(qb, qOut);
        int half = headDim / 2;
        for (int t = 0; t < tokens; t++)
        {
            for (int h = 0; h < qHeads; h++)
            {
                for (int i = 0; i < half; i++)
                {
                    double invFreq = 1.0 / Math.Pow(10000, 2.0 * i / headDim);
                    if (scaling != null) invFreq = Llama3(invFreq, scaling);
                    double angle = positions[t] * invFreq;
                    int b = (t * qHeads + h) * headDim;
                    double x0 = q[b + i], x1 = q[b + i + half];
                    Assert.Equal(x0 * Math.Cos(angle) - x1 * Math.Sin(angle), qOut[b + i], 2e-4);
                    Assert.Equal(x1 * Math.Cos(angle) + x0 * Math.Sin(angle), qOut[b + i + half], 2e-4);
                }
            }
        }
    }

    private static double Llama3(double invFreq, RopeScaling s)
    {
        double wavelen = 2 * Math.PI / invFreq;
        double low = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor, high = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        if (wavelen < high) return invFreq;
        if (wavelen > low) return invFreq / s.Factor;
        double smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return (1 - smooth) * invFreq / s.Factor + smooth * invFreq;
    }

    [Theory]
    [EveryCpuPath]
    public void SiluMul_and_Add_match_reference(CpuIsa isa)
    {
        Use(isa);
        int n = 3 * 37;
        var gate = Random(n);
        var up = Random(n);
        var gb = Upload(gate);
        var ub = Upload(up);
        var ob = _backend.Allocate(n);
        _backend.SiluMul(gb, ub, 3, 37, ob);
        var o = new float[n];
        _backend.CopyToHost(ob, o);
        for (int i = 0; i < n; i++) Assert.Equal(gate[i] / (1 + Math.Exp(-gate[i])) * up[i], o[i], 1e-5);
        _backend.Add(gb, ub, n);
        _backend.CopyToHost(gb, o);
        for (int i = 0; i < n; i++) Assert.Equal(gate[i] + up[i], o[i], 1e-6);
    }

    [Theory]
    [EveryCpuPath(TensorDType.F32)]
    [EveryCpuPath(TensorDType.F16)]
    [EveryCpuPath(TensorDType.BF16)]
    [EveryCpuPath(TensorDType.Q8_0)]
    public void Embedding_and_GatherRows_copy_decoded_rows(CpuIsa isa, TensorDType dtype)
    {
        Use(isa);
        var table = _backend.LoadWeight(_weights.Make("emb", dtype, 10, 64, _rng, out var exact), dtype);
        int[] ids = [3, 0, 9, 3];
        var yb = _backend.Allocate(ids.Length * 64);
        _backend.Embedding(ids, table, yb);
        var gathered = _backend.Allocate(2 * 64);
        _backend.GatherRows(yb, [2, 0], 64, gathered);
        var y = new float[2 * 64];
        _backend.CopyToHost(gathered, y);
        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(exact[9 * 64 + i], y[i], 1e-6);
            Assert.Equal(exact[3 * 64 + i], y[64 + i], 1e-6);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Embedding([10], table, yb));
    }

    private float[] Run(float[] x, int outLength, Action<DeviceBuffer, DeviceBuffer> op)
    {
        var xb = Upload(x);
        var yb = _backend.Allocate(outLength);
        op(xb, yb);
        var y = new float[outLength];
        _backend.CopyToHost(yb, y);
        return y;
    }

    private DeviceBuffer Upload(float[] data)
    {
        var b = _backend.Allocate(data.Length);
        _backend.CopyFromHost(data, b);
        return b;
    }

    private float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(_rng.NextDouble() * 2 - 1)).ToArray();

    public void Dispose()
    {
        _backend?.Dispose();
        _weights.Dispose();
    }
}
