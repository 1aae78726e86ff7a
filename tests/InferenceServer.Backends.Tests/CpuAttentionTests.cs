using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Core.Tensors;

using InferenceServer.TestSupport;

namespace InferenceServer.Backends.Tests;

public sealed class CpuAttentionTests : IDisposable
{
    private CpuBackend _backend = null!;

    /// <summary>The backend of this test, on <paramref name="isa"/>'s kernels.</summary>
    private void Use(CpuIsa isa) => _backend = new CpuBackend(threads: 2, isa);

    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        // qHeads, kvHeads, headDim, blockSize
        { 4, 4, 16, 4 },
        { 8, 2, 64, 16 },
        { 8, 1, 32, 8 },
        { 12, 3, 80, 16 },
        { 8, 2, 128, 32 },
    };

    [Theory]
    [EveryCpuPathMember(nameof(Shapes))]
    public void Paged_attention_over_scattered_blocks_matches_contiguous_reference(CpuIsa isa, int qHeads, int kvHeads, int headDim, int blockSize)
    {
        Use(isa);
        // Three sequences: a prefill chunk on an empty cache, a chunk after a cached prefix, and a decode token.
        int[] cached = [0, 11, 37];
        int[] fresh = [7, 5, 1];
        RunAndCompare(qHeads, kvHeads, headDim, blockSize, cached, fresh, slidingWindow: 0, seed: qHeads * 100 + headDim);
    }

    [Theory]
    [EveryCpuPathMember(nameof(Shapes))]
    public void Bf16_kv_cache_attends_over_the_rounded_keys_and_values(CpuIsa isa, int qHeads, int kvHeads, int headDim, int blockSize)
    {
        Use(isa);
        RunAndCompare(qHeads, kvHeads, headDim, blockSize, [0, 11, 37], [7, 5, 1], slidingWindow: 0, seed: qHeads * 100 + headDim, TensorDType.BF16);
        // Chunks longer than one query tile, after a cached prefix, and with a sliding window.
        RunAndCompare(qHeads, kvHeads, headDim, blockSize, [0, 11, 3], [40, 17, 1], slidingWindow: 0, seed: qHeads + headDim, TensorDType.BF16);
        RunAndCompare(qHeads, kvHeads, headDim, blockSize, [30, 0], [35, 20], slidingWindow: 13, seed: headDim, TensorDType.BF16);
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3F80)]
    [InlineData(-2.5f, (ushort)0xC020)]
    [InlineData(1.00390625f, (ushort)0x3F80)]   // exactly halfway between 0x3F80 and 0x3F81: ties to even
    [InlineData(1.01171875f, (ushort)0x3F82)]   // halfway between 0x3F81 and 0x3F82: ties to even (up)
    [InlineData(1.0039064f, (ushort)0x3F81)]    // one float ulp above halfway: rounds up
    public void Bf16_rounds_to_nearest_even(float value, ushort bits)
    {
        Assert.Equal(bits, Models.Quantization.BFloat16.FromSingle(value));
    }

    [Theory]
    [EveryCpuPath(4, 6)]
    [EveryCpuPath(32, 21)]   // window starts inside a block, on the 16-wide vector path
    public void Sliding_window_limits_how_far_back_tokens_look(CpuIsa isa, int blockSize, int window)
    {
        Use(isa);
        RunAndCompare(4, 2, 64, blockSize, cached: [70, 0], fresh: [3, 40], slidingWindow: window, seed: 5);
    }

    private void RunAndCompare(int qHeads, int kvHeads, int headDim, int blockSize, int[] cached, int[] fresh, int slidingWindow, int seed, TensorDType kvDType = TensorDType.F32)
    {
        var rng = new Random(seed);
        int seqs = cached.Length, maxBlocksPerSeq = cached.Zip(fresh, (c, f) => (c + f + blockSize - 1) / blockSize).Max() + 1;
        var layout = new KvCacheLayout(NumLayers: 2, NumBlocks: seqs * maxBlocksPerSeq + 3, blockSize, kvHeads, headDim, kvDType);
        using var cache = _backend.AllocateKvCache(layout);
        var batch = new AttentionBatch(seqs, maxBlocksPerSeq);
        batch.SequenceCount = seqs;
        // Scatter blocks: a shuffled permutation of the pool, so block ids are neither ordered nor contiguous.
        var pool = Enumerable.Range(0, layout.NumBlocks).OrderBy(_ => rng.Next()).ToArray();
        int kvDim = kvHeads * headDim;
        var keys = new List<float[]>[seqs];
        var values = new List<float[]>[seqs];
        int tokens = fresh.Sum();
        var slotMapping = new int[tokens];
        var q = new float[tokens * qHeads * headDim];
        for (int i = 0; i < q.Length; i++) q[i] = (float)(rng.NextDouble() * 2 - 1);
        var kNew = new float[tokens * kvDim];
        var vNew = new float[tokens * kvDim];
        int row = 0;
        for (int s = 0; s < seqs; s++)
        {
            batch.QueryStart[s] = row;
            batch.ContextLength[s] = cached[s] + fresh[s];
            var table = batch.BlockTable(s);
            for (int b = 0; b < maxBlocksPerSeq; b++) table[b] = pool[s * maxBlocksPerSeq + b];
            keys[s] = [];
            values[s] = [];
            // Cached tokens go straight into the pool through WriteKv, one at a time.
            for (int p = 0; p < cached[s] + fresh[s]; p++)
            {
                var k = RandomRow(rng, kvDim);
                var v = RandomRow(rng, kvDim);
                // The reference attends over what the cache can hold: bf16 keeps the top 16 bits, rounded.
                keys[s].Add(kvDType == TensorDType.BF16 ? RoundToBf16(k) : k);
                values[s].Add(kvDType == TensorDType.BF16 ? RoundToBf16(v) : v);
                int slot = table[p / blockSize] * blockSize + p % blockSize;
                if (p < cached[s])
                {
                    Write(cache, k, v, slot);
                }
                else
                {
                    Array.Copy(k, 0, kNew, row * kvDim, kvDim);
                    Array.Copy(v, 0, vNew, row * kvDim, kvDim);
                    slotMapping[row++] = slot;
                }
            }
        }
        batch.QueryStart[seqs] = row;
        var kb = Upload(kNew);
        var vb = Upload(vNew);
        _backend.WriteKv(cache, 1, kb, vb, slotMapping);
        var qb = Upload(q);
        var ob = _backend.Allocate(q.Length);
        float scale = 1f / MathF.Sqrt(headDim);

        _backend.Attention(qb, cache, 1, batch, qHeads, scale, slidingWindow, ob);

        var output = new float[q.Length];
        _backend.CopyToHost(ob, output);
        int group = qHeads / kvHeads;
        for (int s = 0; s < seqs; s++)
        {
            for (int i = 0; i < fresh[s]; i++)
            {
                int t = batch.QueryStart[s] + i, pos = cached[s] + i;
                int first = slidingWindow > 0 ? Math.Max(0, pos - slidingWindow + 1) : 0;
                for (int h = 0; h < qHeads; h++)
                {
                    int kvh = h / group;
                    var scores = new double[pos - first + 1];
                    for (int j = first; j <= pos; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++) dot += q[(t * qHeads + h) * headDim + d] * keys[s][j][kvh * headDim + d];
                        scores[j - first] = dot * scale;
                    }
                    double max = scores.Max();
                    var w = scores.Select(x => Math.Exp(x - max)).ToArray();
                    double sum = w.Sum();
                    for (int d = 0; d < headDim; d++)
                    {
                        double expected = 0;
                        for (int j = first; j <= pos; j++) expected += w[j - first] / sum * values[s][j][kvh * headDim + d];
                        Assert.Equal(expected, output[(t * qHeads + h) * headDim + d], 1e-4);
                    }
                }
            }
        }
    }

    private static float[] RoundToBf16(float[] row) => row.Select(x =>
    {
        // Independent of the kernel's bit trick: the nearer of the two bf16 neighbours, ties to the even one.
        uint bits = BitConverter.SingleToUInt32Bits(x);
        float down = BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
        float up = BitConverter.UInt32BitsToSingle((bits & 0xFFFF0000u) + 0x10000u);
        double dd = Math.Abs((double)x - down), du = Math.Abs((double)up - x);
        if (dd < du) return down;
        if (du < dd) return up;
        return ((bits >> 16) & 1) == 0 ? down : up;
    }).ToArray();

    private void Write(IKvCache cache, float[] k, float[] v, int slot)
    {
        var kb = Upload(k);
        var vb = Upload(v);
        _backend.WriteKv(cache, 1, kb, vb, [slot]);
        _backend.Free(kb);
        _backend.Free(vb);
    }

    private DeviceBuffer Upload(float[] data)
    {
        var b = _backend.Allocate(data.Length);
        _backend.CopyFromHost(data, b);
        return b;
    }

    private static float[] RandomRow(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    public void Dispose() => _backend?.Dispose();
}
