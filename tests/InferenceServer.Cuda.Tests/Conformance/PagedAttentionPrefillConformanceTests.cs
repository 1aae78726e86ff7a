using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// paged_attention_prefill_* against the CPU backend's Attention on varlen batches of prefill chunks: whole prompts
/// (no cached prefix), chunks after cached prefixes of any length, single-token chunks (decode rows mixed in), chunks
/// longer than one query tile and not a multiple of it, GQA 1/4/8 and MQA, sliding windows shorter than the chunk.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class PagedAttentionPrefillConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, KernelDType, int, int, int, int, int[], int[], int> Cases()
    {
        var data = new TheoryData<KernelDType, KernelDType, int, int, int, int, int[], int[], int>();
        (KernelDType Q, KernelDType Cache)[] pairs = [(KernelDType.F32, KernelDType.F32), (KernelDType.F32, KernelDType.BF16), (KernelDType.F16, KernelDType.F16), (KernelDType.BF16, KernelDType.BF16)];
        // q heads, kv heads, head dim, block size, contexts (cached + new), new tokens per sequence, sliding window.
        (int QHeads, int KvHeads, int HeadDim, int BlockSize, int[] Contexts, int[] Queries, int Window)[] shapes =
        [
            (4, 4, 64, 16, [1, 17, 40], [1, 17, 40], 0),           // whole prompts, one of a single token
            (8, 2, 128, 16, [100, 33, 250], [37, 1, 16], 0),      // chunks after cached prefixes, a decode row among them
            (8, 1, 64, 8, [300, 5], [70, 5], 0),                  // MQA, chunk of several tiles
            (12, 3, 80, 32, [64, 129], [64, 2], 0),
            (8, 1, 96, 16, [90], [31], 0),
            (4, 1, 256, 16, [40, 19], [20, 19], 0),
            (8, 2, 64, 16, [200, 60, 9], [50, 60, 9], 24),        // window shorter than the chunk and the prefix
            (4, 2, 64, 16, [30, 45, 8], [12, 0, 8], 0),           // a sequence with no new tokens this step
        ];
        foreach (var (q, cache) in pairs)
            foreach (var s in shapes) data.Add(q, cache, s.QHeads, s.KvHeads, s.HeadDim, s.BlockSize, s.Contexts, s.Queries, s.Window);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Prefill_attention_matches_the_cpu_backend(string device, KernelDType qType, KernelDType cache, int qHeads, int kvHeads, int headDim,
        int blockSize, int[] contexts, int[] queries, int slidingWindow)
    {
        using var c = new PagedAttentionCase(_cpu, new Random(qHeads * 1000 + headDim * 10 + contexts.Sum() + queries.Sum()), qType, cache, qHeads, kvHeads,
            headDim, blockSize, contexts, queries);
        using var gpu = new DeviceScope(device);
        nint result = gpu.Allocate((long)c.OutputValues * qType.Size());
        PagedAttentionPrefillLaunch.Launch(gpu.Launcher, qType, cache, result, gpu.Upload(c.Q, qType), gpu.Upload(c.KPool, cache), gpu.Upload(c.VPool, cache),
            gpu.Upload(c.Batch.BlockTables), gpu.Upload(c.Batch.QueryStart), gpu.Upload(contexts), c.Sequences, queries.Max(), c.MaxBlocks, qHeads, kvHeads,
            headDim, blockSize, c.Scale, slidingWindow, qHeads * headDim);
        Tolerance.For(qType).Check("paged_attention_prefill", qType, device, c.Expected(slidingWindow), gpu.Download(result, c.OutputValues, qType));
    }

    public void Dispose() => _cpu.Dispose();
}
