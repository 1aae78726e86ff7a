using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Backends.Cpu.Threading;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Causal attention over the paged KV cache for a varlen batch (prefill chunks and decode tokens alike).
/// One item is (query tile, kv head): a tile is up to <see cref="TileTokens"/> consecutive new tokens of one
/// sequence, and each cached K and V row is used by every query head of its group. For bf16 caches a tile of
/// several tokens first widens the K/V runs it reads into fp32 scratch once, so prefill does not widen the same
/// element once per query. Generic over the KV storage type (<typeparamref name="TKv"/>) and the SIMD path.
/// </summary>
public sealed unsafe class PagedAttentionWork<TKv, TS, TV> : ParallelWork
    where TKv : struct, IKvElements where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>Most new tokens of one sequence in a work item.</summary>
    public const int TileTokens = 16;

    public float* Q;
    public void* KCache;
    public void* VCache;
    public float* Output;
    public AttentionBatch Batch = null!;
    public int QHeads;
    public int KvHeads;
    public int HeadDim;
    public int BlockSize;
    public float Scale;
    public int SlidingWindow;

    /// <summary>Tiles as (sequence, first token row, token count), three ints each.</summary>
    public int[] Tiles = [];

    /// <summary>Per worker, room for group × context scores.</summary>
    public float*[] Scores = [];

    /// <summary>Per worker, room for the widened K and V runs of one tile (2 × context rounded up to blocks × head size).</summary>
    public float*[] Widened = [];

    /// <summary>Whether stored elements must be widened (bf16); fp32 tiles read the cache directly.</summary>
    private static bool Widens => typeof(TKv) != typeof(F32Kv);

    /// <summary>Fills <see cref="Tiles"/> from the batch; returns the number of tiles.</summary>
    public int PlanTiles()
    {
        var b = Batch;
        int count = 0;
        for (int s = 0; s < b.SequenceCount; s++)
            count += (b.QueryStart[s + 1] - b.QueryStart[s] + TileTokens - 1) / TileTokens;
        if (Tiles.Length < count * 3) Tiles = new int[Math.Max(count * 3, Tiles.Length * 2)];
        int t = 0;
        for (int s = 0; s < b.SequenceCount; s++)
        {
            for (int row = b.QueryStart[s]; row < b.QueryStart[s + 1]; row += TileTokens)
            {
                Tiles[t++] = s;
                Tiles[t++] = row;
                Tiles[t++] = Math.Min(TileTokens, b.QueryStart[s + 1] - row);
            }
        }
        return count;
    }

    public override void Execute(int start, int end, int worker)
    {
        float* scores = Scores[worker];
        for (int item = start; item < end; item++)
        {
            int tile = item / KvHeads, kvHead = item % KvHeads;
            int seq = Tiles[tile * 3], row0 = Tiles[tile * 3 + 1], rows = Tiles[tile * 3 + 2];
            int qStart = Batch.QueryStart[seq], qCount = Batch.QueryStart[seq + 1] - qStart;
            int ctx = Batch.ContextLength[seq];
            int firstPos = ctx - qCount + (row0 - qStart);
            var cache = new KvView(KCache, VCache, Batch.BlockTables, seq * Batch.MaxBlocksPerSequence, 0, KvHeads, kvHead);
            if (rows == 1 || !Widens || BlockSize * HeadDim % TS.Width != 0)
            {
                for (int r = 0; r < rows; r++) AttendToken<TKv>(cache, row0 + r, firstPos + r, kvHead, scores);
                continue;
            }
            // Widen the blocks this tile reads once; its tokens then attend over fp32 copies.
            int lo = SlidingWindow > 0 ? Math.Max(0, firstPos - SlidingWindow + 1) : 0;
            int hi = firstPos + rows - 1;
            int firstBlock = lo / BlockSize, lastBlock = hi / BlockSize;
            long run = (long)BlockSize * HeadDim;
            float* kf = Widened[worker], vf = kf + (lastBlock - firstBlock + 1) * run;
            for (int b = firstBlock; b <= lastBlock; b++)
            {
                long src = cache.Run(b, BlockSize, HeadDim);
                float* kd = kf + (b - firstBlock) * run, vd = vf + (b - firstBlock) * run;
                for (long i = 0; i < run; i += TS.Width)
                {
                    TS.Store(TKv.Load<TS, TV>(KCache, src + i), kd + i);
                    TS.Store(TKv.Load<TS, TV>(VCache, src + i), vd + i);
                }
            }
            var widened = new KvView(kf, vf, null, 0, firstBlock, 1, 0);
            for (int r = 0; r < rows; r++) AttendToken<F32Kv>(widened, row0 + r, firstPos + r, kvHead, scores);
        }
    }

    /// <summary>One new token at <paramref name="pos"/> attends over its context for every query head of the group.</summary>
    private void AttendToken<TLoad>(KvView view, int token, int pos, int kvHead, float* scores) where TLoad : struct, IKvElements
    {
        int group = QHeads / KvHeads;
        int first = SlidingWindow > 0 ? Math.Max(0, pos - SlidingWindow + 1) : 0;
        int len = pos - first + 1;
        float* q0 = Q + ((long)token * QHeads + kvHead * group) * HeadDim;

        // Scores: walk the context block by block. K is transposed inside a block, so W positions are one vector.
        for (int p = first, j = 0; p <= pos;)
        {
            int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
            long kt = view.Run(p / BlockSize, BlockSize, HeadDim);
            for (int g = 0; g < group; g++) BlockScores<TLoad>(q0 + g * HeadDim, view.K, kt, offset, n, scores + g * len + j);
            p += n;
            j += n;
        }
        for (int g = 0; g < group; g++)
        {
            float* s = scores + g * len;
            float sum = VectorMath<TS, TV>.ExpShiftedSum(s, len, VectorMath<TS, TV>.Max(s, len));
            VectorMath<TS, TV>.Scale(s, 1f / sum, len);
            WeightedValues<TLoad>(s, view, first, pos, Output + ((long)token * QHeads + kvHead * group + g) * HeadDim);
        }
    }

    /// <summary>
    /// output = Σ_j probs[j] · V[first + j] for one head: 4W dimensions at a time stay in registers across all
    /// positions (two positions per step: 8 independent chains), so the output row is written once instead of once
    /// per position; then single vectors and a scalar tail for head sizes that are not a multiple of 4W.
    /// </summary>
    private void WeightedValues<TLoad>(float* probs, KvView view, int first, int pos, float* output) where TLoad : struct, IKvElements
    {
        int hd = HeadDim, w = TS.Width, d = 0;
        for (; d + 4 * w <= hd; d += 4 * w)
        {
            TV a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            for (int p = first, j = 0; p <= pos;)
            {
                int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
                long v = view.Run(p / BlockSize, BlockSize, hd) + offset * hd + d;
                int i = 0;
                for (; i + 2 <= n; i += 2, v += 2 * hd)
                {
                    var pa = TS.Create(probs[j + i]);
                    var pb = TS.Create(probs[j + i + 1]);
                    a0 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v), a0);
                    a1 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v + w), a1);
                    a2 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v + 2 * w), a2);
                    a3 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v + 3 * w), a3);
                    b0 = TS.MultiplyAdd(pb, TLoad.Load<TS, TV>(view.V, v + hd), b0);
                    b1 = TS.MultiplyAdd(pb, TLoad.Load<TS, TV>(view.V, v + hd + w), b1);
                    b2 = TS.MultiplyAdd(pb, TLoad.Load<TS, TV>(view.V, v + hd + 2 * w), b2);
                    b3 = TS.MultiplyAdd(pb, TLoad.Load<TS, TV>(view.V, v + hd + 3 * w), b3);
                }
                if (i < n)
                {
                    var pa = TS.Create(probs[j + i]);
                    a0 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v), a0);
                    a1 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v + w), a1);
                    a2 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v + 2 * w), a2);
                    a3 = TS.MultiplyAdd(pa, TLoad.Load<TS, TV>(view.V, v + 3 * w), a3);
                }
                p += n;
                j += n;
            }
            TS.Store(TS.Add(a0, b0), output + d);
            TS.Store(TS.Add(a1, b1), output + d + w);
            TS.Store(TS.Add(a2, b2), output + d + 2 * w);
            TS.Store(TS.Add(a3, b3), output + d + 3 * w);
        }
        for (; d + w <= hd; d += w)
        {
            TV a0 = default, a1 = default;
            for (int p = first, j = 0; p <= pos;)
            {
                int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
                long v = view.Run(p / BlockSize, BlockSize, hd) + offset * hd + d;
                int i = 0;
                for (; i + 2 <= n; i += 2, v += 2 * hd)
                {
                    a0 = TS.MultiplyAdd(TS.Create(probs[j + i]), TLoad.Load<TS, TV>(view.V, v), a0);
                    a1 = TS.MultiplyAdd(TS.Create(probs[j + i + 1]), TLoad.Load<TS, TV>(view.V, v + hd), a1);
                }
                if (i < n) a0 = TS.MultiplyAdd(TS.Create(probs[j + i]), TLoad.Load<TS, TV>(view.V, v), a0);
                p += n;
                j += n;
            }
            TS.Store(TS.Add(a0, a1), output + d);
        }
        for (; d < hd; d++)
        {
            float acc = 0;
            for (int p = first, j = 0; p <= pos; p++, j++)
                acc += probs[j] * TLoad.Load1(view.V, view.Run(p / BlockSize, BlockSize, hd) + (p % BlockSize) * hd + d);
            output[d] = acc;
        }
    }

    /// <summary>scores[i] = Scale · q·k(offset + i) for n positions of one block of transposed keys.</summary>
    private void BlockScores<TLoad>(float* q, void* keys, long kt, int offset, int n, float* scores) where TLoad : struct, IKvElements
    {
        int bs = BlockSize, hd = HeadDim;
        int i = 0;
        for (; i + TS.Width <= n; i += TS.Width)
        {
            long col = kt + offset + i;
            // Eight independent chains: enough FMAs in flight to cover their latency.
            TV a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            int d = 0;
            for (; d + 8 <= hd; d += 8, col += 8 * bs)
            {
                a0 = TS.MultiplyAdd(TS.Create(q[d]), TLoad.Load<TS, TV>(keys, col), a0);
                a1 = TS.MultiplyAdd(TS.Create(q[d + 1]), TLoad.Load<TS, TV>(keys, col + bs), a1);
                a2 = TS.MultiplyAdd(TS.Create(q[d + 2]), TLoad.Load<TS, TV>(keys, col + 2 * bs), a2);
                a3 = TS.MultiplyAdd(TS.Create(q[d + 3]), TLoad.Load<TS, TV>(keys, col + 3 * bs), a3);
                a4 = TS.MultiplyAdd(TS.Create(q[d + 4]), TLoad.Load<TS, TV>(keys, col + 4 * bs), a4);
                a5 = TS.MultiplyAdd(TS.Create(q[d + 5]), TLoad.Load<TS, TV>(keys, col + 5 * bs), a5);
                a6 = TS.MultiplyAdd(TS.Create(q[d + 6]), TLoad.Load<TS, TV>(keys, col + 6 * bs), a6);
                a7 = TS.MultiplyAdd(TS.Create(q[d + 7]), TLoad.Load<TS, TV>(keys, col + 7 * bs), a7);
            }
            for (; d < hd; d++, col += bs) a0 = TS.MultiplyAdd(TS.Create(q[d]), TLoad.Load<TS, TV>(keys, col), a0);
            var sum = TS.Add(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Add(TS.Add(a4, a5), TS.Add(a6, a7)));
            TS.Store(TS.Multiply(sum, TS.Create(Scale)), scores + i);
        }
        for (; i < n; i++)
        {
            float sum = 0;
            long col = kt + offset + i;
            for (int d = 0; d < hd; d++) sum += q[d] * TLoad.Load1(keys, col + (long)d * bs);
            scores[i] = sum * Scale;
        }
    }

    /// <summary>
    /// Where one kv head's K and V runs are: the paged cache through a sequence's block table, or fp32 scratch
    /// holding consecutive blocks from <c>firstBlock</c> on for a single head.
    /// </summary>
    private readonly struct KvView(void* k, void* v, int[]? table, int tableOffset, int firstBlock, int heads, int head)
    {
        public void* K => k;
        public void* V => v;

        /// <summary>Element index of the start of the head's run in the block holding positions of <paramref name="blockIndex"/>.</summary>
        public long Run(int blockIndex, int blockSize, int headDim)
        {
            long block = table != null ? table[tableOffset + blockIndex] : blockIndex - firstBlock;
            return (block * heads + head) * blockSize * headDim;
        }
    }
}
