using InferenceServer.Backends;
using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>
/// One attention batch over a paged KV pool, filled by the CPU backend's WriteKv over blocks handed out from a shuffled
/// pool (tables neither ordered nor contiguous; unused entries 0), with the CPU backend's Attention as the expected
/// output and the pool bytes as kernels read them. Sequence s has queries[s] new tokens at the end of contexts[s].
/// </summary>
internal sealed class PagedAttentionCase : IDisposable
{
    private readonly CpuReference _cpu;
    private readonly CpuKvCache _cache;

    public PagedAttentionCase(CpuReference cpu, Random rng, KernelDType qType, KernelDType cache, int qHeads, int kvHeads, int headDim,
        int blockSize, int[] contexts, int[]? queries = null)
    {
        _cpu = cpu;
        QType = qType;
        CacheType = cache;
        Contexts = contexts;
        QHeads = qHeads;
        KvHeads = kvHeads;
        HeadDim = headDim;
        BlockSize = blockSize;
        int seqs = contexts.Length, kvDim = kvHeads * headDim;
        queries ??= Enumerable.Repeat(1, seqs).ToArray();
        MaxBlocks = contexts.Max() / blockSize + 2;
        var layout = new KvCacheLayout(1, seqs * MaxBlocks + 3, blockSize, kvHeads, headDim, cache == KernelDType.BF16 ? TensorDType.BF16 : TensorDType.F32);
        Batch = new AttentionBatch(seqs, MaxBlocks) { SequenceCount = seqs };
        var pool = new Queue<int>(Enumerable.Range(0, layout.NumBlocks).OrderBy(_ => rng.Next()));
        _cache = (CpuKvCache)cpu.Backend.AllocateKvCache(layout);
        for (int s = 0; s < seqs; s++)
        {
            Batch.QueryStart[s + 1] = Batch.QueryStart[s] + queries[s];
            Batch.ContextLength[s] = contexts[s];
            int[] table = new int[MaxBlocks];
            for (int b = 0; b * blockSize < contexts[s]; b++) table[b] = pool.Dequeue();
            table.CopyTo(Batch.BlockTable(s));
            var slots = Enumerable.Range(0, contexts[s]).Select(p => table[p / blockSize] * blockSize + p % blockSize).ToArray();
            // K/V as the cache type holds them (fp16 goes through an fp32 CPU pool with fp16 values).
            float[] k = DTypeCodec.Round(DTypeCodec.Random(rng, contexts[s] * kvDim), cache), v = DTypeCodec.Round(DTypeCodec.Random(rng, contexts[s] * kvDim), cache);
            cpu.Backend.WriteKv(_cache, 0, cpu.Buffer(k), cpu.Buffer(v), slots);
        }
        Q = DTypeCodec.Round(DTypeCodec.Random(rng, Tokens * qHeads * headDim, 2f), qType);
        var poolType = cache == KernelDType.BF16 ? KernelDType.BF16 : KernelDType.F32;
        int poolValues = checked((int)layout.LayerElements);
        unsafe
        {
            KPool = DTypeCodec.Decode(new ReadOnlySpan<byte>(_cache.K(0), poolValues * poolType.Size()), poolType);
            VPool = DTypeCodec.Decode(new ReadOnlySpan<byte>(_cache.V(0), poolValues * poolType.Size()), poolType);
        }
    }

    public KernelDType QType { get; }

    /// <summary>Element type of the KV pool kernels read (the CPU pool holds fp16 values as fp32).</summary>
    public KernelDType CacheType { get; }

    public int[] Contexts { get; }

    public int QHeads { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    public int BlockSize { get; }

    public int MaxBlocks { get; }

    public AttentionBatch Batch { get; }

    public int Sequences => Contexts.Length;

    /// <summary>New tokens of the batch (query rows).</summary>
    public int Tokens => Batch.TokenCount;

    /// <summary>Values of the output [tokens, q_heads, head_dim].</summary>
    public int OutputValues => Tokens * QHeads * HeadDim;

    public float Scale => 1f / MathF.Sqrt(HeadDim);

    /// <summary>Queries [tokens, q_heads, head_dim], already rounded to the query type.</summary>
    public float[] Q { get; }

    /// <summary>The K pool as stored (transposed per block), as floats.</summary>
    public float[] KPool { get; }

    public float[] VPool { get; }

    /// <summary>The CPU backend's attention output.</summary>
    public float[] Expected(int slidingWindow)
    {
        var output = _cpu.Backend.Allocate(OutputValues);
        _cpu.Backend.Attention(_cpu.Buffer(Q), _cache, 0, Batch, QHeads, Scale, slidingWindow, output);
        return _cpu.Read(output, OutputValues);
    }

    public void Dispose() => _cache.Dispose();
}
