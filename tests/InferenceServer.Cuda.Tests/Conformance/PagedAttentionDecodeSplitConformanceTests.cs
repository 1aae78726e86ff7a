using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// Split-K decode attention (paged_attention_decode_partition_* + paged_attention_decode_reduce_*) against the CPU
/// backend's Attention and against the single-pass kernel on the same pool: small partitions make short contexts span
/// many partitions (and leave trailing ones empty for shorter sequences), and contexts past the single-pass kernel's
/// shared-memory bound (20k at head dim 128) run at the default partition size.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class PagedAttentionDecodeSplitConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    private static readonly (KernelDType Q, KernelDType Cache)[] Pairs =
        [(KernelDType.F32, KernelDType.F32), (KernelDType.F32, KernelDType.BF16), (KernelDType.F16, KernelDType.F16), (KernelDType.BF16, KernelDType.BF16)];

    public static TheoryData<KernelDType, KernelDType, int, int, int, int, int[], int, int> Cases()
    {
        var data = new TheoryData<KernelDType, KernelDType, int, int, int, int, int[], int, int>();
        // q heads, kv heads, head dim, block size, contexts, sliding window, partition size. Contexts: 1, exactly one
        // partition, one past it, partially filled last block, a batch where one sequence needs far more partitions.
        (int QHeads, int KvHeads, int HeadDim, int BlockSize, int[] Contexts, int Window, int Partition)[] shapes =
        [
            (4, 4, 64, 16, [1, 64, 65, 17], 0, 64),
            (8, 2, 128, 16, [700, 1, 33], 0, 128),
            (8, 1, 64, 8, [513, 7, 1024], 0, 512),
            (12, 3, 80, 16, [37, 300], 0, 32),
            (8, 2, 96, 8, [250], 0, 48),
            (4, 1, 256, 32, [129, 3], 0, 64),
            (8, 2, 64, 16, [300, 5, 40], 100, 32),
        ];
        foreach (var (q, cache) in Pairs)
            foreach (var s in shapes) data.Add(q, cache, s.QHeads, s.KvHeads, s.HeadDim, s.BlockSize, s.Contexts, s.Window, s.Partition);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Split_decode_attention_matches_the_cpu_backend_and_the_single_pass_kernel(string device, KernelDType qType, KernelDType cache,
        int qHeads, int kvHeads, int headDim, int blockSize, int[] contexts, int slidingWindow, int partitionSize)
    {
        using var c = new PagedAttentionCase(_cpu, new Random(qHeads * 1000 + headDim * 10 + contexts.Sum() + partitionSize), qType, cache, qHeads, kvHeads, headDim, blockSize, contexts);
        using var gpu = new DeviceScope(device);
        float[] split = Run(gpu, c, slidingWindow, partitionSize);
        Tolerance.For(qType).Check("paged_attention_decode_split", qType, device, c.Expected(slidingWindow), split);
        Tolerance.For(qType).Check("split_vs_single_pass", qType, device, PagedAttentionDecodeConformanceTests.Run(gpu, c, slidingWindow), split);
    }

    public static TheoryData<KernelDType, KernelDType> LongCases()
    {
        var data = new TheoryData<KernelDType, KernelDType>();
        foreach (var (q, cache) in Pairs) data.Add(q, cache);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(LongCases))]
    [KernelCases(KernelDevices.Gpu, nameof(LongCases))]
    public void Contexts_past_the_single_pass_bound_match_the_cpu_backend(string device, KernelDType qType, KernelDType cache)
    {
        const int HeadDim = 128;
        // 20k positions (40 partitions) beside a short sequence and one not a multiple of the block or partition size.
        int[] contexts = [20_000, 3, 12_345];
        Assert.True(contexts.Max() > PagedAttentionDecodeLaunch.MaxContext(HeadDim));
        using var c = new PagedAttentionCase(_cpu, new Random(20_000 + (int)qType * 7 + (int)cache), qType, cache, 2, 1, HeadDim, 16, contexts);
        using var gpu = new DeviceScope(device);
        Assert.Throws<NotSupportedException>(() => PagedAttentionDecodeConformanceTests.Run(gpu, c, 0));
        Tolerance.For(qType).Check("paged_attention_decode_split", qType, device, c.Expected(0), Run(gpu, c, 0, PagedAttentionDecodeSplitLaunch.DefaultPartitionSize));
    }

    private static float[] Run(DeviceScope gpu, PagedAttentionCase c, int slidingWindow, int partitionSize)
    {
        nint result = gpu.Allocate((long)c.OutputValues * c.QType.Size());
        int maxContext = c.Contexts.Max();
        nint workspace = gpu.Allocate(PagedAttentionDecodeSplitLaunch.WorkspaceBytes(c.Sequences, c.QHeads, c.HeadDim, maxContext, slidingWindow, partitionSize));
        PagedAttentionDecodeSplitLaunch.Launch(gpu.Launcher, c.QType, c.CacheType, result, gpu.Upload(c.Q, c.QType), gpu.Upload(c.KPool, c.CacheType),
            gpu.Upload(c.VPool, c.CacheType), gpu.Upload(c.Batch.BlockTables), gpu.Upload(c.Contexts), c.Sequences, c.MaxBlocks, c.QHeads, c.KvHeads,
            c.HeadDim, c.BlockSize, c.Scale, slidingWindow, c.QHeads * c.HeadDim, maxContext, workspace, partitionSize);
        return gpu.Download(result, c.OutputValues, c.QType);
    }

    public void Dispose() => _cpu.Dispose();
}
