using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Threading;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Causal attention over the paged KV cache for a varlen batch (prefill chunks and decode tokens alike).
/// One item is (token, kv head): each cached K and V row is read once and used by every query head of its group.
/// Generic over the KV storage type (<typeparamref name="TKv"/>).
/// </summary>
public sealed unsafe class PagedAttentionWork<TKv> : ParallelWork where TKv : struct, IKvElements
{
    public float* Q;
    public void* KCache;
    public void* VCache;
    public float* Output;
    public AttentionBatch Batch = null!;
    public int[] TokenSequence = [];
    public int QHeads;
    public int KvHeads;
    public int HeadDim;
    public int BlockSize;
    public float Scale;
    public int SlidingWindow;

    /// <summary>Per worker, room for group × context scores.</summary>
    public float*[] Scores = [];

    public override void Execute(int start, int end, int worker)
    {
        int group = QHeads / KvHeads;
        float* scores = Scores[worker];
        for (int item = start; item < end; item++)
        {
            int token = item / KvHeads, kvHead = item % KvHeads;
            int seq = TokenSequence[token];
            int qStart = Batch.QueryStart[seq], qCount = Batch.QueryStart[seq + 1] - qStart;
            int ctx = Batch.ContextLength[seq];
            int pos = ctx - qCount + (token - qStart);
            int first = SlidingWindow > 0 ? Math.Max(0, pos - SlidingWindow + 1) : 0;
            int len = pos - first + 1;
            var table = Batch.BlockTable(seq);
            float* q0 = Q + ((long)token * QHeads + kvHead * group) * HeadDim;

            // Scores: walk the context block by block. K is transposed inside a block, so 16 positions are one vector.
            for (int p = first, j = 0; p <= pos;)
            {
                int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
                long kt = HeadRun(table[p / BlockSize], kvHead);
                for (int g = 0; g < group; g++) BlockScores(q0 + g * HeadDim, kt, offset, n, scores + g * len + j);
                p += n;
                j += n;
            }
            for (int g = 0; g < group; g++)
            {
                float* s = scores + g * len;
                float sum = VectorMath.ExpShiftedSum(s, len, VectorMath.Max(s, len));
                VectorMath.Scale(s, 1f / sum, len);
                WeightedValues(s, table, first, pos, kvHead, Output + ((long)token * QHeads + kvHead * group + g) * HeadDim);
            }
        }
    }

    /// <summary>
    /// output = Σ_j probs[j] · V[first + j] for one head: 16 dimensions at a time stay in a register across all
    /// positions, so the output row is written once instead of once per position.
    /// </summary>
    private void WeightedValues(float* probs, Span<int> table, int first, int pos, int kvHead, float* output)
    {
        if (HeadDim == 64) { WeightedValues64(probs, table, first, pos, kvHead, output); return; }
        if (HeadDim == 128) { WeightedValues128(probs, table, first, pos, kvHead, output); return; }
        int hd = HeadDim, d = 0;
        for (; d + 16 <= hd; d += 16)
        {
            Vector512<float> a0 = default, a1 = default;
            for (int p = first, j = 0; p <= pos;)
            {
                int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
                long v = HeadRun(table[p / BlockSize], kvHead) + offset * hd + d;
                int i = 0;
                for (; i + 2 <= n; i += 2, v += 2 * hd)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(probs[j + i]), TKv.Load16(VCache, v), a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Create(probs[j + i + 1]), TKv.Load16(VCache, v + hd), a1);
                }
                if (i < n) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(probs[j + i]), TKv.Load16(VCache, v), a0);
                p += n;
                j += n;
            }
            (a0 + a1).Store(output + d);
        }
        for (; d < hd; d++)
        {
            float acc = 0;
            for (int p = first, j = 0; p <= pos; p++, j++)
                acc += probs[j] * TKv.Load1(VCache, HeadRun(table[p / BlockSize], kvHead) + (p % BlockSize) * hd + d);
            output[d] = acc;
        }
    }

    // Head size 64: the whole output row is 4 registers; two positions at a time give 8 independent chains.
    private void WeightedValues64(float* probs, Span<int> table, int first, int pos, int kvHead, float* output)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (int p = first, j = 0; p <= pos;)
        {
            int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
            long v = HeadRun(table[p / BlockSize], kvHead) + offset * 64;
            int i = 0;
            for (; i + 2 <= n; i += 2, v += 128)
            {
                var pa = Vector512.Create(probs[j + i]);
                var pb = Vector512.Create(probs[j + i + 1]);
                a0 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v), a0);
                a1 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v + 48), a3);
                b0 = Vector512.FusedMultiplyAdd(pb, TKv.Load16(VCache, v + 64), b0);
                b1 = Vector512.FusedMultiplyAdd(pb, TKv.Load16(VCache, v + 80), b1);
                b2 = Vector512.FusedMultiplyAdd(pb, TKv.Load16(VCache, v + 96), b2);
                b3 = Vector512.FusedMultiplyAdd(pb, TKv.Load16(VCache, v + 112), b3);
            }
            if (i < n)
            {
                var pa = Vector512.Create(probs[j + i]);
                a0 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v), a0);
                a1 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(pa, TKv.Load16(VCache, v + 48), a3);
            }
            p += n;
            j += n;
        }
        (a0 + b0).Store(output);
        (a1 + b1).Store(output + 16);
        (a2 + b2).Store(output + 32);
        (a3 + b3).Store(output + 48);
    }

    // Head size 128: the output row is 8 registers, 8 independent chains per position.
    private void WeightedValues128(float* probs, Span<int> table, int first, int pos, int kvHead, float* output)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int p = first, j = 0; p <= pos;)
        {
            int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
            long v = HeadRun(table[p / BlockSize], kvHead) + offset * 128;
            for (int i = 0; i < n; i++, v += 128)
            {
                var pr = Vector512.Create(probs[j + i]);
                a0 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v), a0);
                a1 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v + 48), a3);
                a4 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v + 64), a4);
                a5 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v + 80), a5);
                a6 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v + 96), a6);
                a7 = Vector512.FusedMultiplyAdd(pr, TKv.Load16(VCache, v + 112), a7);
            }
            p += n;
            j += n;
        }
        a0.Store(output); a1.Store(output + 16); a2.Store(output + 32); a3.Store(output + 48);
        a4.Store(output + 64); a5.Store(output + 80); a6.Store(output + 96); a7.Store(output + 112);
    }

    /// <summary>scores[i] = Scale · q·k(offset + i) for n positions of one block of transposed keys.</summary>
    private void BlockScores(float* q, long kt, int offset, int n, float* scores)
    {
        int bs = BlockSize, hd = HeadDim;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            long col = kt + offset + i;
            // Eight independent chains: enough FMAs in flight to cover their latency.
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            int d = 0;
            for (; d + 8 <= hd; d += 8, col += 8 * bs)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), TKv.Load16(KCache, col), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 1]), TKv.Load16(KCache, col + bs), a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 2]), TKv.Load16(KCache, col + 2 * bs), a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 3]), TKv.Load16(KCache, col + 3 * bs), a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 4]), TKv.Load16(KCache, col + 4 * bs), a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 5]), TKv.Load16(KCache, col + 5 * bs), a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 6]), TKv.Load16(KCache, col + 6 * bs), a6);
                a7 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 7]), TKv.Load16(KCache, col + 7 * bs), a7);
            }
            for (; d < hd; d++, col += bs) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), TKv.Load16(KCache, col), a0);
            ((((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))) * Scale).Store(scores + i);
        }
        for (; i < n; i++)
        {
            float sum = 0;
            long col = kt + offset + i;
            for (int d = 0; d < hd; d++) sum += q[d] * TKv.Load1(KCache, col + (long)d * bs);
            scores[i] = sum * Scale;
        }
    }

    /// <summary>Element index of the start of one head's run of keys (or values) in a block.</summary>
    private long HeadRun(int block, int kvHead) => ((long)block * KvHeads + kvHead) * BlockSize * HeadDim;
}
