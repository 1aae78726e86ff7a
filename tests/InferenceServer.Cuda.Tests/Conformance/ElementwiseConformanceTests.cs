using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>silu_mul_* against the CPU backend's SiluMul, gelu_tanh_mul_* against a double reference, and embedding_* against its Embedding.</summary>
[Trait("Category", "CudaConformance")]
public sealed class ElementwiseConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, int, int, bool> SiluCases()
    {
        var data = new TheoryData<KernelDType, int, int, bool>();
        (int Rows, int Inter)[] shapes = [(1, 1), (1, 37), (3, 256), (2, 1000), (5, 2816), (1, 14336)];
        foreach (var dtype in Enum.GetValues<KernelDType>())
            foreach (var (rows, inter) in shapes)
                foreach (bool fused in new[] { false, true }) data.Add(dtype, rows, inter, fused);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(SiluCases))]
    [KernelCases(KernelDevices.Gpu, nameof(SiluCases))]
    public void Silu_mul_matches_the_cpu_backend(string device, KernelDType dtype, int rows, int inter, bool fusedGateUp)
    {
        var (gate, up, actual) = RunActAndMul(ActAndMulLaunch.SiluMul, device, dtype, rows, inter, fusedGateUp);
        Tolerance.For(dtype).Check("silu_mul", dtype, device, _cpu.SiluMul(gate, up, rows, inter), actual);
    }

    /// <summary>gelu_tanh_mul_* against PyTorch's tanh-approximate GELU in double (the CPU backend has no GELU op).</summary>
    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(SiluCases))]
    [KernelCases(KernelDevices.Gpu, nameof(SiluCases))]
    public void Gelu_tanh_mul_matches_the_tanh_approximation_in_double(string device, KernelDType dtype, int rows, int inter, bool fusedGateUp)
    {
        var (gate, up, actual) = RunActAndMul(ActAndMulLaunch.GeluTanhMul, device, dtype, rows, inter, fusedGateUp);
        var expected = new float[gate.Length];
        for (int i = 0; i < gate.Length; i++)
        {
            double g = gate[i];
            expected[i] = (float)(0.5 * g * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g))) * up[i]);
        }
        Tolerance.For(dtype).Check("gelu_tanh_mul", dtype, device, expected, actual);
    }

    private delegate void ActAndMul(IKernelLauncher launcher, KernelDType dtype, nint output, nint gate, nint up, int rows, int inter,
        int outStride, int gateStride, int upStride);

    /// <summary>Random gate/up (as the storage type holds them) through <paramref name="launch"/>, separate or as one fused gate_up buffer.</summary>
    private static (float[] Gate, float[] Up, float[] Output) RunActAndMul(ActAndMul launch, string device, KernelDType dtype, int rows, int inter, bool fusedGateUp)
    {
        var rng = new Random(rows * 31 + inter);
        // Gate values over [-12, 12) reach both saturated ends of SiLU and GELU.
        float[] gate = DTypeCodec.Round(DTypeCodec.Random(rng, rows * inter, 12f), dtype);
        float[] up = DTypeCodec.Round(DTypeCodec.Random(rng, rows * inter, 2f), dtype);
        using var gpu = new DeviceScope(device);
        nint output = gpu.Allocate((long)rows * inter * dtype.Size());
        if (fusedGateUp)
        {
            // One [rows, 2 * inter] gate_up buffer: gate then up in every row.
            var gateUp = new float[rows * 2 * inter];
            for (int r = 0; r < rows; r++)
            {
                gate.AsSpan(r * inter, inter).CopyTo(gateUp.AsSpan(r * 2 * inter));
                up.AsSpan(r * inter, inter).CopyTo(gateUp.AsSpan(r * 2 * inter + inter));
            }
            nint g = gpu.Upload(gateUp, dtype);
            launch(gpu.Launcher, dtype, output, g, g + inter * dtype.Size(), rows, inter, inter, 2 * inter, 2 * inter);
        }
        else
        {
            launch(gpu.Launcher, dtype, output, gpu.Upload(gate, dtype), gpu.Upload(up, dtype), rows, inter, inter, inter, inter);
        }
        return (gate, up, gpu.Download(output, rows * inter, dtype));
    }

    public static TheoryData<KernelDType, int, int> EmbeddingCases()
    {
        var data = new TheoryData<KernelDType, int, int>();
        (int Vocab, int Width)[] shapes = [(1, 32), (17, 64), (1000, 288), (32000, 768), (500, 4096)];
        foreach (var dtype in Enum.GetValues<KernelDType>())
            foreach (var (vocab, width) in shapes) data.Add(dtype, vocab, width);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(EmbeddingCases))]
    [KernelCases(KernelDevices.Gpu, nameof(EmbeddingCases))]
    public void Embedding_gather_matches_the_cpu_backend(string device, KernelDType dtype, int vocab, int width)
    {
        var rng = new Random(vocab + width);
        byte[] table = DTypeCodec.Encode(DTypeCodec.Random(rng, vocab * width), dtype);
        // First and last rows, repeats, and random ids.
        int[] ids = [0, vocab - 1, .. Enumerable.Range(0, 13).Select(_ => rng.Next(vocab)), vocab - 1];
        var expected = _cpu.Embedding(ids, _cpu.Weight(table, dtype.ToTensor(), vocab, width));
        using var gpu = new DeviceScope(device);
        nint output = gpu.Allocate((long)ids.Length * width * dtype.Size());
        EmbeddingLaunch.Launch(gpu.Launcher, dtype, output, gpu.Upload(table), gpu.Upload(ids), ids.Length, vocab, width);
        Tolerance.Exact.Check("embedding", dtype, device, expected, gpu.Download(output, ids.Length * width, dtype));
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(DTypes))]
    [KernelCases(KernelDevices.Gpu, nameof(DTypes))]
    public void Embedding_ids_outside_the_table_give_zero_rows_instead_of_reading_out_of_bounds(string device, KernelDType dtype)
    {
        const int Vocab = 8, Width = 48;
        var rng = new Random(3);
        float[] table = DTypeCodec.Round(DTypeCodec.Random(rng, Vocab * Width), dtype);
        int[] ids = [-1, 3, Vocab];
        using var gpu = new DeviceScope(device);
        nint output = gpu.Upload(DTypeCodec.Random(rng, ids.Length * Width), dtype);
        EmbeddingLaunch.Launch(gpu.Launcher, dtype, output, gpu.Upload(table, dtype), gpu.Upload(ids), ids.Length, Vocab, Width);
        var rows = gpu.Download(output, ids.Length * Width, dtype);
        Assert.All(rows[..Width], v => Assert.Equal(0f, v));
        Assert.Equal(table.AsSpan(3 * Width, Width).ToArray(), rows[Width..(2 * Width)]);
        Assert.All(rows[(2 * Width)..], v => Assert.Equal(0f, v));
    }

    public static TheoryData<KernelDType> DTypes() => new(Enum.GetValues<KernelDType>());

    public void Dispose() => _cpu.Dispose();
}
