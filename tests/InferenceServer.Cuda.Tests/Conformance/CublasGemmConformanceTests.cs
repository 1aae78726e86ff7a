using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Driver;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// cuBLAS GEMM through <see cref="CublasHandle"/> (row-major y = x·Wᵀ, fp32 accumulation) against the CPU backend's
/// MatMul on the same values. cuBLAS has no emulation: this runs only where a GPU is present.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class CublasGemmConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, int, int, int> Cases()
    {
        var data = new TheoryData<KernelDType, int, int, int>();
        (int Rows, int Out, int K)[] shapes = [(1, 64, 64), (7, 100, 96), (128, 1024, 4096), (300, 257, 130)];
        foreach (var dtype in Enum.GetValues<KernelDType>())
            foreach (var s in shapes) data.Add(dtype, s.Rows, s.Out, s.K);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Gemm_matches_the_cpu_backends_matmul(string device, KernelDType dtype, int rows, int nOut, int k)
    {
        var rng = new Random(rows * 31 + nOut * 7 + k);
        float[] x = DTypeCodec.Round(DTypeCodec.Random(rng, rows * k), dtype), w = DTypeCodec.Round(DTypeCodec.Random(rng, nOut * k, 0.05f), dtype);
        var y = _cpu.Backend.Allocate((long)rows * nOut);
        _cpu.Backend.MatMul(_cpu.Buffer(x), rows, _cpu.Weight(MemoryMarshal.AsBytes(w.AsSpan()).ToArray(), TensorDType.F32, nOut, k), null, y);
        float[] expected = _cpu.Read(y, rows * nOut);

        using var gpu = new DeviceScope(device);
        using var blas = CublasHandle.Create(((GpuDevice)gpu.Device).Stream);
        nint result = gpu.Allocate((long)rows * nOut * dtype.Size());
        blas.Gemm(dtype, result, gpu.Upload(x, dtype), gpu.Upload(w, dtype), rows, nOut, k);
        // fp32 accumulation in another order (and TF32-free: the handle's default math mode): float noise of k terms.
        (Tolerance.For(dtype) with { Absolute = 1e-4 }).Check("cublas_gemm", dtype, device, expected, gpu.Download(result, rows * nOut, dtype));
    }

    public void Dispose() => _cpu.Dispose();
}
