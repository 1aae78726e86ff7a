using InferenceServer.Backends;
using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;
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
        var rng = new Random(qHeads * 1000 + headDim * 10 + contexts.Sum());
        int seqs = contexts.Length, kvDim = kvHeads * headDim;
        int maxBlocks = contexts.Max() / blockSize + 2;
        var layout = new KvCacheLayout(1, seqs * maxBlocks + 3, blockSize, kvHeads, headDim, cache == KernelDType.BF16 ? TensorDType.BF16 : TensorDType.F32);
        var batch = new AttentionBatch(seqs, maxBlocks) { SequenceCount = seqs };
        // Blocks handed out from a shuffled pool, so tables are neither ordered nor contiguous; unused entries stay 0.
        var pool = new Queue<int>(Enumerable.Range(0, layout.NumBlocks).OrderBy(_ => rng.Next()));
        using var cpuCache = (CpuKvCache)_cpu.Backend.AllocateKvCache(layout);
        for (int s = 0; s < seqs; s++)
        {
            batch.QueryStart[s] = s;
            batch.ContextLength[s] = contexts[s];
            int[] table = new int[maxBlocks];
            for (int b = 0; b * blockSize < contexts[s]; b++) table[b] = pool.Dequeue();
            table.CopyTo(batch.BlockTable(s));
            var slots = Enumerable.Range(0, contexts[s]).Select(p => table[p / blockSize] * blockSize + p % blockSize).ToArray();
            // K/V as the cache type holds them (fp16 goes through an fp32 CPU pool with fp16 values).
            float[] k = DTypeCodec.Round(DTypeCodec.Random(rng, contexts[s] * kvDim), cache), v = DTypeCodec.Round(DTypeCodec.Random(rng, contexts[s] * kvDim), cache);
            _cpu.Backend.WriteKv(cpuCache, 0, _cpu.Buffer(k), _cpu.Buffer(v), slots);
        }
        batch.QueryStart[seqs] = seqs;
        float[] q = DTypeCodec.Round(DTypeCodec.Random(rng, seqs * qHeads * headDim, 2f), qType);
        float scale = 1f / MathF.Sqrt(headDim);
        var output = _cpu.Backend.Allocate((long)seqs * qHeads * headDim);
        _cpu.Backend.Attention(_cpu.Buffer(q), cpuCache, 0, batch, qHeads, scale, slidingWindow, output);
        float[] expected = _cpu.Read(output, seqs * qHeads * headDim);

        var cpuDType = cache == KernelDType.BF16 ? KernelDType.BF16 : KernelDType.F32;
        int poolValues = checked((int)layout.LayerElements);
        float[] kPool = DTypeCodec.Decode(new ReadOnlySpan<byte>(cpuCache.K(0), poolValues * cpuDType.Size()), cpuDType);
        float[] vPool = DTypeCodec.Decode(new ReadOnlySpan<byte>(cpuCache.V(0), poolValues * cpuDType.Size()), cpuDType);
        using var gpu = new DeviceScope(device);
        nint result = gpu.Allocate((long)seqs * qHeads * headDim * qType.Size());
        PagedAttentionDecodeLaunch.Launch(gpu.Launcher, qType, cache, result, gpu.Upload(q, qType), gpu.Upload(kPool, cache), gpu.Upload(vPool, cache),
            gpu.Upload(batch.BlockTables), gpu.Upload(contexts), seqs, maxBlocks, qHeads, kvHeads, headDim, blockSize, scale, slidingWindow,
            qHeads * headDim, contexts.Max());
        Tolerance.For(qType).Check("paged_attention_decode", qType, device, expected, gpu.Download(result, seqs * qHeads * headDim, qType));
    }

    public void Dispose() => _cpu.Dispose();
}
