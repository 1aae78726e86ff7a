using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>elementwise.cu: add_f32 against the CPU backend's Add, add_bias_f32 against a plain sum, convert_f32_to_* against the host's rounding.</summary>
[Trait("Category", "CudaConformance")]
public sealed class ArithmeticConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    // 1 and 255 elements: partial blocks; 1,048,577: more than MaxBlocks × Threads, so the grid-stride loop runs twice.
    public static TheoryData<int> Lengths() => new(1, 255, 4096, 1_048_577);

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Lengths))]
    [KernelCases(KernelDevices.Gpu, nameof(Lengths))]
    public void Add_matches_the_cpu_backend(string device, int count)
    {
        var rng = new Random(count);
        float[] a = DTypeCodec.Random(rng, count, 4f), b = DTypeCodec.Random(rng, count, 4f);
        using var gpu = new DeviceScope(device);
        nint da = gpu.Upload(a);
        ElementwiseLaunch.Add(gpu.Launcher, da, gpu.Upload(b), count);
        Tolerance.Exact.Check("add", KernelDType.F32, device, _cpu.Add(a, b), gpu.Download<float>(da, count));
    }

    public static TheoryData<int, int> BiasShapes() => new() { { 1, 1 }, { 3, 37 }, { 16, 896 }, { 5, 4096 } };

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(BiasShapes))]
    [KernelCases(KernelDevices.Gpu, nameof(BiasShapes))]
    public void Add_bias_adds_the_bias_to_every_row(string device, int rows, int cols)
    {
        var rng = new Random(rows * 100 + cols);
        float[] y = DTypeCodec.Random(rng, rows * cols, 3f), bias = DTypeCodec.Random(rng, cols, 3f);
        var expected = new float[y.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) expected[r * cols + c] = y[r * cols + c] + bias[c];
        using var gpu = new DeviceScope(device);
        nint dy = gpu.Upload(y);
        ElementwiseLaunch.AddBias(gpu.Launcher, dy, gpu.Upload(bias), rows, cols);
        Tolerance.Exact.Check("add_bias", KernelDType.F32, device, expected, gpu.Download<float>(dy, y.Length));
    }

    public static TheoryData<KernelDType, int> ConvertCases()
    {
        var data = new TheoryData<KernelDType, int>();
        foreach (var dtype in new[] { KernelDType.F16, KernelDType.BF16 })
            foreach (int count in new[] { 1, 300, 1_048_577 }) data.Add(dtype, count);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(ConvertCases))]
    [KernelCases(KernelDevices.Gpu, nameof(ConvertCases))]
    public void Convert_rounds_to_nearest_even_as_the_host_does(string device, KernelDType dtype, int count)
    {
        var rng = new Random(count + (int)dtype);
        // Wide magnitudes, including values that overflow fp16 (65,504) and round to infinity.
        float[] x = DTypeCodec.Random(rng, count, 1e5f);
        using var gpu = new DeviceScope(device);
        nint output = gpu.Allocate((long)count * dtype.Size());
        ElementwiseLaunch.ConvertFromF32(gpu.Launcher, dtype, output, gpu.Upload(x), count);
        Assert.Equal(DTypeCodec.Encode(x, dtype), gpu.Download<byte>(output, count * dtype.Size()));
    }

    public void Dispose() => _cpu.Dispose();
}
