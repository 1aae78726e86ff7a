using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// paged_attention_decode_* against the CPU backend's Attention on a decode batch: the KV pool is filled by the CPU
/// backend's WriteKv over scattered blocks, and the kernel reads the same pool bytes.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed unsafe class PagedAttentionDecodeConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, KernelDType, int, int, int, int, int[], int> Cases()
    {
        var data = new TheoryData<KernelDType, KernelDType, int, int, int, int, int[], int>();
        (KernelDType Q, KernelDType Cache)[] pairs = [(KernelDType.F32, KernelDType.F32), (KernelDType.F32, KernelDType.BF16), (KernelDType.F16, KernelDType.F16), (KernelDType.BF16, KernelDType.BF16)];
        // q heads, kv heads (GQA 1/4/8, MQA), head dim, block size; contexts: 1, around a block edge, long and partial.
        (int QHeads, int KvHeads, int HeadDim, int BlockSize, int[] Contexts, int Window)[] shapes =
        [
            (4, 4, 64, 16, [1, 15, 16, 17], 0),
            (8, 2, 128, 16, [100, 1, 33], 0),
            (8, 1, 64, 8, [513, 7], 0),
            (32, 4, 128, 32, [64, 1000], 0),
            (12, 3, 80, 16, [37, 16], 0),
            (8, 2, 96, 8, [50], 0),
            (4, 1, 256, 16, [129, 3], 0),
            (8, 2, 64, 16, [300, 5, 40], 32),
        ];
        foreach (var (q, cache) in pairs)
            foreach (var s in shapes) data.Add(q, cache, s.QHeads, s.KvHeads, s.HeadDim, s.BlockSize, s.Contexts, s.Window);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Decode_attention_matches_the_cpu_backend(string device, KernelDType qType, KernelDType cache, int qHeads, int kvHeads, int headDim,
        int blockSize, int[] contexts, int slidingWindow)
    {
        using var c = new PagedAttentionCase(_cpu, new Random(qHeads * 1000 + headDim * 10 + contexts.Sum()), qType, cache, qHeads, kvHeads, headDim, blockSize, contexts);
        using var gpu = new DeviceScope(device);
        Tolerance.For(qType).Check("paged_attention_decode", qType, device, c.Expected(slidingWindow), Run(gpu, c, slidingWindow));
    }

    /// <summary>Runs the single-pass kernel on <paramref name="c"/>'s inputs.</summary>
    internal static float[] Run(DeviceScope gpu, PagedAttentionCase c, int slidingWindow)
    {
        nint result = gpu.Allocate((long)c.OutputValues * c.QType.Size());
        var cache = c.CacheType;
        PagedAttentionDecodeLaunch.Launch(gpu.Launcher, c.QType, cache, result, gpu.Upload(c.Q, c.QType), gpu.Upload(c.KPool, cache), gpu.Upload(c.VPool, cache),
            gpu.Upload(c.Batch.BlockTables), gpu.Upload(c.Contexts), c.Sequences, c.MaxBlocks, c.QHeads, c.KvHeads, c.HeadDim, c.BlockSize, c.Scale,
            slidingWindow, c.QHeads * c.HeadDim, c.Contexts.Max());
        return gpu.Download(result, c.OutputValues, c.QType);
    }

    public void Dispose() => _cpu.Dispose();
}
