using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Threading;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Causal attention over the paged KV cache for a varlen batch (prefill chunks and decode tokens alike).
/// One item is (token, kv head): each cached K and V row is read once and used by every query head of its group.
/// </summary>
public sealed unsafe class PagedAttentionWork : ParallelWork
{
    public float* Q;
    public float* KCache;
    public float* VCache;
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
                float* kt = HeadRun(KCache, table[p / BlockSize], kvHead);
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
        int hd = HeadDim, d = 0;
        for (; d + 16 <= hd; d += 16)
        {
            Vector512<float> a0 = default, a1 = default;
            for (int p = first, j = 0; p <= pos;)
            {
                int offset = p % BlockSize, n = Math.Min(BlockSize - offset, pos - p + 1);
                float* v = HeadRun(VCache, table[p / BlockSize], kvHead) + offset * hd + d;
                int i = 0;
                for (; i + 2 <= n; i += 2, v += 2 * hd)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(probs[j + i]), Vector512.Load(v), a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Create(probs[j + i + 1]), Vector512.Load(v + hd), a1);
                }
                if (i < n) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(probs[j + i]), Vector512.Load(v), a0);
                p += n;
                j += n;
            }
            (a0 + a1).Store(output + d);
        }
        for (; d < hd; d++)
        {
            float acc = 0;
            for (int p = first, j = 0; p <= pos; p++, j++)
                acc += probs[j] * HeadRun(VCache, table[p / BlockSize], kvHead)[(p % BlockSize) * hd + d];
            output[d] = acc;
        }
    }

    /// <summary>scores[i] = Scale · q·k(offset + i) for n positions of one block of transposed keys.</summary>
    private void BlockScores(float* q, float* kt, int offset, int n, float* scores)
    {
        int bs = BlockSize, hd = HeadDim;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            float* col = kt + offset + i;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int d = 0;
            for (; d + 4 <= hd; d += 4, col += 4 * bs)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), Vector512.Load(col), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 1]), Vector512.Load(col + bs), a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 2]), Vector512.Load(col + 2 * bs), a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 3]), Vector512.Load(col + 3 * bs), a3);
            }
            for (; d < hd; d++, col += bs) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), Vector512.Load(col), a0);
            (((a0 + a1) + (a2 + a3)) * Scale).Store(scores + i);
        }
        for (; i < n; i++)
        {
            float sum = 0;
            float* col = kt + offset + i;
            for (int d = 0; d < hd; d++) sum += q[d] * col[(long)d * bs];
            scores[i] = sum * Scale;
        }
    }

    /// <summary>Start of one head's run of keys (or values) in a block.</summary>
    private float* HeadRun(float* cache, int block, int kvHead) => cache + ((long)block * KvHeads + kvHead) * BlockSize * HeadDim;
}
