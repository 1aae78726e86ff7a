using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>rms_norm_* and add_rms_norm_* against the CPU backend's RmsNorm (and Add), every dtype, many row widths.</summary>
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

    public void Dispose() => _cpu.Dispose();
}
