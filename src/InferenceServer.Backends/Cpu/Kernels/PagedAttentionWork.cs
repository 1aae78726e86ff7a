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
        int tokenStride = KvHeads * HeadDim;
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

            for (int j = 0; j < len; j++)
            {
                int p = first + j;
                long slot = (long)table[p / BlockSize] * BlockSize + p % BlockSize;
                float* k = KCache + slot * tokenStride + kvHead * HeadDim;
                for (int g = 0; g < group; g++) scores[g * len + j] = VectorMath.Dot(q0 + g * HeadDim, k, HeadDim) * Scale;
            }
            for (int g = 0; g < group; g++)
            {
                float* s = scores + g * len;
                float sum = VectorMath.ExpShiftedSum(s, len, VectorMath.Max(s, len));
                VectorMath.Scale(s, 1f / sum, len);
                float* o = Output + ((long)token * QHeads + kvHead * group + g) * HeadDim;
                new Span<float>(o, HeadDim).Clear();
            }
            for (int j = 0; j < len; j++)
            {
                int p = first + j;
                long slot = (long)table[p / BlockSize] * BlockSize + p % BlockSize;
                float* v = VCache + slot * tokenStride + kvHead * HeadDim;
                for (int g = 0; g < group; g++)
                {
                    float* o = Output + ((long)token * QHeads + kvHead * group + g) * HeadDim;
                    VectorMath.AddScaled(o, scores[g * len + j], v, HeadDim);
                }
            }
        }
    }
}
