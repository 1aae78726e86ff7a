using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>rms_norm_*, add_rms_norm_* and head_rms_norm_* against the CPU backend's RmsNorm (and Add), every dtype, many row widths.</summary>
[Trait("Category", "CudaConformance")]
public sealed class RmsNormConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, int, int> Cases()
    {
        var data = new TheoryData<KernelDType, int, int>();
        // rows, dim: one element, under a warp, odd widths, not a multiple of the block, model widths up to 8192.
        (int Rows, int Dim)[] shapes = [(1, 1), (1, 31), (3, 64), (5, 333), (7, 1000), (2, 2048), (4, 4096), (1, 8192)];
        foreach (var dtype in Enum.GetValues<KernelDType>())
            foreach (var (rows, dim) in shapes) data.Add(dtype, rows, dim);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Rms_norm_matches_the_cpu_backend(string device, KernelDType dtype, int rows, int dim)
    {
        var rng = new Random(rows * 7919 + dim);
        float[] x = DTypeCodec.Round(DTypeCodec.Random(rng, rows * dim, 3f), dtype);
        float[] w = DTypeCodec.Round(DTypeCodec.Random(rng, dim, 1.5f), dtype);
        const float Eps = 1e-5f;
        using var gpu = new DeviceScope(device);
        nint output = gpu.Allocate((long)rows * dim * dtype.Size());
        RmsNormLaunch.RmsNorm(gpu.Launcher, dtype, output, gpu.Upload(x, dtype), gpu.Upload(w, dtype), Eps, rows, dim);
        Tolerance.For(dtype).Check("rms_norm", dtype, device, _cpu.RmsNorm(x, w, Eps, rows, dim), gpu.Download(output, rows * dim, dtype));
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Fused_residual_add_and_rms_norm_matches_add_then_rms_norm(string device, KernelDType dtype, int rows, int dim)
    {
        var rng = new Random(rows * 104729 + dim);
        float[] x = DTypeCodec.Round(DTypeCodec.Random(rng, rows * dim, 2f), dtype);
        float[] residual = DTypeCodec.Round(DTypeCodec.Random(rng, rows * dim, 2f), dtype);
        float[] w = DTypeCodec.Round(DTypeCodec.Random(rng, dim, 1.5f), dtype);
        const float Eps = 1e-6f;
        // The model adds in its storage type: the new residual is the rounded sum, and the norm reads that.
        float[] sum = DTypeCodec.Round(_cpu.Add(x, residual), dtype);
        float[] expected = _cpu.RmsNorm(sum, w, Eps, rows, dim);

        using var gpu = new DeviceScope(device);
        nint dx = gpu.Upload(x, dtype), dr = gpu.Upload(residual, dtype);
        RmsNormLaunch.AddRmsNorm(gpu.Launcher, dtype, dx, dr, gpu.Upload(w, dtype), Eps, rows, dim);
        Tolerance.Exact.Check("add_rms_norm.residual", dtype, device, sum, gpu.Download(dr, rows * dim, dtype));
        Tolerance.For(dtype).Check("add_rms_norm", dtype, device, expected, gpu.Download(dx, rows * dim, dtype));
    }

    public static TheoryData<KernelDType, int, int, int, int> HeadCases()
    {
        var data = new TheoryData<KernelDType, int, int, int, int>();
        // tokens, q heads, kv heads, head dim (Qwen3: 128; also 64, 256 and an odd width).
        (int Tokens, int QHeads, int KvHeads, int HeadDim)[] shapes = [(1, 1, 1, 64), (3, 8, 2, 128), (5, 16, 8, 128), (2, 4, 1, 256), (4, 6, 3, 72)];
        foreach (var dtype in Enum.GetValues<KernelDType>())
            foreach (var s in shapes) data.Add(dtype, s.Tokens, s.QHeads, s.KvHeads, s.HeadDim);
        return data;
    }

    /// <summary>head_rms_norm_* on q and k inside one fused qkv row, against the CPU RmsNorm over [tokens · heads, head_dim]; v stays as it was.</summary>
    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(HeadCases))]
    [KernelCases(KernelDevices.Gpu, nameof(HeadCases))]
    public void Per_head_q_and_k_rms_norm_matches_the_cpu_backend_per_head_row(string device, KernelDType dtype, int tokens, int qHeads, int kvHeads, int headDim)
    {
        var rng = new Random(tokens * 101 + qHeads * 7 + headDim);
        int qDim = qHeads * headDim, kvDim = kvHeads * headDim, stride = qDim + 2 * kvDim;
        float[] qkv = DTypeCodec.Round(DTypeCodec.Random(rng, tokens * stride, 3f), dtype);
        float[] qWeight = DTypeCodec.Round(DTypeCodec.Random(rng, headDim, 1.5f), dtype), kWeight = DTypeCodec.Round(DTypeCodec.Random(rng, headDim, 1.5f), dtype);
        const float Eps = 1e-6f;
        // The [tokens, width] slice of fused rows starting at column offset.
        float[] Of(float[] rows, int offset, int width) => Enumerable.Range(0, tokens).SelectMany(t => rows.AsSpan(t * stride + offset, width).ToArray()).ToArray();
        float[] expectedQ = _cpu.RmsNorm(Of(qkv, 0, qDim), qWeight, Eps, tokens * qHeads, headDim);
        float[] expectedK = _cpu.RmsNorm(Of(qkv, qDim, kvDim), kWeight, Eps, tokens * kvHeads, headDim);

        using var gpu = new DeviceScope(device);
        nint buffer = gpu.Upload(qkv, dtype);
        RmsNormLaunch.HeadRmsNorm(gpu.Launcher, dtype, buffer, gpu.Upload(qWeight, dtype), Eps, tokens, qHeads, headDim, stride);
        RmsNormLaunch.HeadRmsNorm(gpu.Launcher, dtype, buffer + qDim * dtype.Size(), gpu.Upload(kWeight, dtype), Eps, tokens, kvHeads, headDim, stride);
        float[] result = gpu.Download(buffer, tokens * stride, dtype);
        Tolerance.For(dtype).Check("head_rms_norm", dtype, device, expectedQ, Of(result, 0, qDim));
        Tolerance.For(dtype).Check("head_rms_norm", dtype, device, expectedK, Of(result, qDim, kvDim));
        Tolerance.Exact.Check("head_rms_norm.v_untouched", dtype, device, Of(qkv, qDim + kvDim, kvDim), Of(result, qDim + kvDim, kvDim));
    }

    public void Dispose() => _cpu.Dispose();
}
