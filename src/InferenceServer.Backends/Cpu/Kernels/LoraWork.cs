using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using InferenceServer.Backends.Cpu.Threading;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// One LoRA op's rows grouped by slot (SGMV-style segments) and its work items: the grouped pass reads each
/// slot's A and Bᵀ once per step for all of that slot's rows (up to <see cref="RowBlock"/> of them per item),
/// where a per-row pass read them once per row. Filled by the backend before each op; grow-only, so steady-state
/// steps allocate nothing.
/// </summary>
public sealed unsafe class LoraPlan
{
    /// <summary>Most rows per work item (their x, t and y stay in cache while the item reads A and Bᵀ).</summary>
    public const int RowBlock = 16;

    /// <summary>Stride of a row of <see cref="T"/>: the largest rank.</summary>
    public const int MaxRank = 64;

    public float* X;
    public float* Y;
    public int InFeatures;
    public int OutFeatures;

    /// <summary>The shrink result t = s·(x·Aᵀ), [positions, <see cref="MaxRank"/>].</summary>
    public float* T;

    /// <summary>Batch row at each position; positions of one group are adjacent.</summary>
    public int[] Order = [];

    public int Groups;

    /// <summary>First position of each group, and the end of the last at [Groups].</summary>
    public int[] GroupFirst = [0];
    public nint[] A = [];
    public nint[] B = [];
    public int[] Rank = [];
    public float[] Scaling = [];

    /// <summary>
    /// Where Bᵀ[r, c] of an [rank, columns] matrix sits in the slots' blocked layout: columns in blocks of 64, each
    /// block [rank, 64] (the last one [rank, width]), so the expand streams each block front to back.
    /// </summary>
    public static long BlockedIndex(int r, int c, int rank, int columns)
    {
        int start = c & ~63, width = Math.Min(64, columns - start);
        return (long)start * rank + (long)r * width + (c - start);
    }

    public LoraItem[] Items = [];
    public int ItemCount;

    /// <summary>Makes room for <paramref name="rows"/> rows in at most <paramref name="groups"/> groups.</summary>
    public void Reset(int rows, int groups)
    {
        if (Order.Length < rows) Order = new int[rows];
        if (A.Length < groups)
        {
            GroupFirst = new int[groups + 1];
            A = new nint[groups];
            B = new nint[groups];
            Rank = new int[groups];
            Scaling = new float[groups];
        }
        if (Items.Length < rows) Items = new LoraItem[rows];
        Groups = ItemCount = 0;
    }

    /// <summary>Splits every group into items of at most <see cref="RowBlock"/> rows, once <see cref="GroupFirst"/> is filled.</summary>
    public void AddItems()
    {
        for (int g = 0; g < Groups; g++)
            for (int first = GroupFirst[g]; first < GroupFirst[g + 1]; first += RowBlock)
                Items[ItemCount++] = new LoraItem(g, first, Math.Min(RowBlock, GroupFirst[g + 1] - first));
    }
}

/// <summary>Positions [First, First + Count) of group <see cref="Group"/>.</summary>
public readonly record struct LoraItem(int Group, int First, int Count);

/// <summary>
/// The unmerged LoRA delta over a <see cref="LoraPlan"/>, fp32 accumulation over A and Bᵀ stored as
/// <typeparamref name="TElem"/> (the KV element types: f32, or bf16 widened by a shift). Shrink: t[row, r] =
/// s·Σ_i A[r, i]·x[row, i], four rows and two ranks per pass over A; expand: y[row, c] += Σ_r t[row, r]·Bᵀ[r, c],
/// four rows by 64 columns of accumulators per pass over Bᵀ. Every row gets the same operations in the same order
/// whatever else is in its group, so a request's output does not depend on its batch.
/// </summary>
public sealed unsafe class LoraWork<TElem> : ParallelWork where TElem : struct, IKvElements
{
    public LoraPlan Plan = null!;

    /// <summary>
    /// Bytes ahead of the A or Bᵀ read to prefetch. A slot's matrices are one buffer in the order a step uses them
    /// (A then Bᵀ, target after target), so this runs on into what comes next; the hardware prefetcher alone left a
    /// single thread at about half the bandwidth on the short streams of 32 adapters (8 KiB measured best of 0.5–16 KiB).
    /// </summary>
    private const int PrefetchDistance = 8192;

    private static int ElementBytes => typeof(TElem) == typeof(BF16Kv) ? 2 : 4;

    /// <summary>Shrink then expand for each item's rows: one pass over the pool per op, no barrier between the two.</summary>
    public override void Execute(int start, int end, int worker)
    {
        var p = Plan;
        for (int i = start; i < end; i++)
        {
            var item = p.Items[i];
            int stop = item.First + item.Count;
            for (int pass = 0; pass < 2; pass++)
            {
                for (int pos = item.First; pos < stop; pos += 4)
                {
                    switch (stop - pos)
                    {
                        case 1: Run<One>(p, item.Group, pos, pass); break;
                        case 2: Run<Two>(p, item.Group, pos, pass); break;
                        case 3: Run<Three>(p, item.Group, pos, pass); break;
                        default: Run<Four>(p, item.Group, pos, pass); break;
                    }
                }
            }
        }
    }

    private static void Run<TRows>(LoraPlan p, int group, int pos, int pass) where TRows : struct, IRowCount
    {
        if (pass == 0) ShrinkRows<TRows>(p, group, pos);
        else ExpandRows<TRows>(p, group, pos);
    }

    private static void ShrinkRows<TRows>(LoraPlan p, int group, int pos) where TRows : struct, IRowCount
    {
        int n = p.InFeatures, vecEnd = n & ~15, rank = p.Rank[group];
        float s = p.Scaling[group];
        void* a = (void*)p.A[group];
        float* x0 = p.X + (long)p.Order[pos] * n;
        float* x1 = TRows.Count > 1 ? p.X + (long)p.Order[pos + 1] * n : x0;
        float* x2 = TRows.Count > 2 ? p.X + (long)p.Order[pos + 2] * n : x0;
        float* x3 = TRows.Count > 3 ? p.X + (long)p.Order[pos + 3] * n : x0;
        float* t = p.T + (long)pos * LoraPlan.MaxRank;
        for (int r = 0; r < rank; r += 2)
        {
            // An odd last rank runs as a pair with itself; the copy is not stored.
            int r1 = r + 1 < rank ? r + 1 : r;
            long a0 = (long)r * n, a1 = (long)r1 * n;
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
            for (int i = 0; i < vecEnd; i += 16)
            {
                Sse.Prefetch0((byte*)a + (a0 + i) * ElementBytes + PrefetchDistance);
                Sse.Prefetch0((byte*)a + (a1 + i) * ElementBytes + PrefetchDistance);
                var w0 = TElem.Load16(a, a0 + i);
                var w1 = TElem.Load16(a, a1 + i);
                var v = Vector512.Load(x0 + i);
                c00 = Vector512.FusedMultiplyAdd(w0, v, c00);
                c01 = Vector512.FusedMultiplyAdd(w1, v, c01);
                if (TRows.Count > 1)
                {
                    v = Vector512.Load(x1 + i);
                    c10 = Vector512.FusedMultiplyAdd(w0, v, c10);
                    c11 = Vector512.FusedMultiplyAdd(w1, v, c11);
                }
                if (TRows.Count > 2)
                {
                    v = Vector512.Load(x2 + i);
                    c20 = Vector512.FusedMultiplyAdd(w0, v, c20);
                    c21 = Vector512.FusedMultiplyAdd(w1, v, c21);
                }
                if (TRows.Count > 3)
                {
                    v = Vector512.Load(x3 + i);
                    c30 = Vector512.FusedMultiplyAdd(w0, v, c30);
                    c31 = Vector512.FusedMultiplyAdd(w1, v, c31);
                }
            }
            bool pair = r1 != r;
            Finish(t, r, r1, pair, s, c00, c01, a, a0, a1, x0, vecEnd, n);
            if (TRows.Count > 1) Finish(t + LoraPlan.MaxRank, r, r1, pair, s, c10, c11, a, a0, a1, x1, vecEnd, n);
            if (TRows.Count > 2) Finish(t + 2 * LoraPlan.MaxRank, r, r1, pair, s, c20, c21, a, a0, a1, x2, vecEnd, n);
            if (TRows.Count > 3) Finish(t + 3 * LoraPlan.MaxRank, r, r1, pair, s, c30, c31, a, a0, a1, x3, vecEnd, n);
        }
    }

    /// <summary>Sums the lanes, adds the inputs past the last whole vector, scales, and stores t[r] (and t[r1]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* t, int r, int r1, bool pair, float s, Vector512<float> c0, Vector512<float> c1,
        void* a, long a0, long a1, float* x, int vecEnd, int n)
    {
        float d0 = Vector512.Sum(c0), d1 = Vector512.Sum(c1);
        for (int i = vecEnd; i < n; i++)
        {
            d0 += TElem.Load1(a, a0 + i) * x[i];
            d1 += TElem.Load1(a, a1 + i) * x[i];
        }
        t[r] = d0 * s;
        if (pair) t[r1] = d1 * s;
    }

    private static void ExpandRows<TRows>(LoraPlan p, int group, int pos) where TRows : struct, IRowCount
    {
        int n = p.OutFeatures, rank = p.Rank[group];
        void* b = (void*)p.B[group];
        float* y0 = p.Y + (long)p.Order[pos] * n;
        float* y1 = TRows.Count > 1 ? p.Y + (long)p.Order[pos + 1] * n : y0;
        float* y2 = TRows.Count > 2 ? p.Y + (long)p.Order[pos + 2] * n : y0;
        float* y3 = TRows.Count > 3 ? p.Y + (long)p.Order[pos + 3] * n : y0;
        float* t0 = p.T + (long)pos * LoraPlan.MaxRank;
        float* t1 = t0 + LoraPlan.MaxRank, t2 = t1 + LoraPlan.MaxRank, t3 = t2 + LoraPlan.MaxRank;
        // Bᵀ is stored in column blocks (LoraPlan.BlockedIndex): block c..c+64 is [rank, 64], read front to back.
        int c = 0;
        for (; c + 64 <= n; c += 64)
        {
            long block = (long)c * rank;
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            for (int r = 0; r < rank; r++)
            {
                long at = block + r * 64;
                Sse.Prefetch0((byte*)b + at * ElementBytes + PrefetchDistance);
                if (ElementBytes == 4) Sse.Prefetch0((byte*)b + at * ElementBytes + PrefetchDistance + 128);
                var b0 = TElem.Load16(b, at);
                var b1 = TElem.Load16(b, at + 16);
                var b2 = TElem.Load16(b, at + 32);
                var b3 = TElem.Load16(b, at + 48);
                var w = Vector512.Create(t0[r]);
                a00 = Vector512.FusedMultiplyAdd(w, b0, a00);
                a01 = Vector512.FusedMultiplyAdd(w, b1, a01);
                a02 = Vector512.FusedMultiplyAdd(w, b2, a02);
                a03 = Vector512.FusedMultiplyAdd(w, b3, a03);
                if (TRows.Count > 1)
                {
                    w = Vector512.Create(t1[r]);
                    a10 = Vector512.FusedMultiplyAdd(w, b0, a10);
                    a11 = Vector512.FusedMultiplyAdd(w, b1, a11);
                    a12 = Vector512.FusedMultiplyAdd(w, b2, a12);
                    a13 = Vector512.FusedMultiplyAdd(w, b3, a13);
                }
                if (TRows.Count > 2)
                {
                    w = Vector512.Create(t2[r]);
                    a20 = Vector512.FusedMultiplyAdd(w, b0, a20);
                    a21 = Vector512.FusedMultiplyAdd(w, b1, a21);
                    a22 = Vector512.FusedMultiplyAdd(w, b2, a22);
                    a23 = Vector512.FusedMultiplyAdd(w, b3, a23);
                }
                if (TRows.Count > 3)
                {
                    w = Vector512.Create(t3[r]);
                    a30 = Vector512.FusedMultiplyAdd(w, b0, a30);
                    a31 = Vector512.FusedMultiplyAdd(w, b1, a31);
                    a32 = Vector512.FusedMultiplyAdd(w, b2, a32);
                    a33 = Vector512.FusedMultiplyAdd(w, b3, a33);
                }
            }
            Add4(y0 + c, a00, a01, a02, a03);
            if (TRows.Count > 1) Add4(y1 + c, a10, a11, a12, a13);
            if (TRows.Count > 2) Add4(y2 + c, a20, a21, a22, a23);
            if (TRows.Count > 3) Add4(y3 + c, a30, a31, a32, a33);
        }
        // The last block, narrower than 64 columns: [rank, width].
        long tail = (long)c * rank;
        int width = n - c, c0 = c;
        for (; c + 16 <= n; c += 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int r = 0; r < rank; r++)
            {
                var bv = TElem.Load16(b, tail + (long)r * width + (c - c0));
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(t0[r]), bv, a0);
                if (TRows.Count > 1) a1 = Vector512.FusedMultiplyAdd(Vector512.Create(t1[r]), bv, a1);
                if (TRows.Count > 2) a2 = Vector512.FusedMultiplyAdd(Vector512.Create(t2[r]), bv, a2);
                if (TRows.Count > 3) a3 = Vector512.FusedMultiplyAdd(Vector512.Create(t3[r]), bv, a3);
            }
            (Vector512.Load(y0 + c) + a0).Store(y0 + c);
            if (TRows.Count > 1) (Vector512.Load(y1 + c) + a1).Store(y1 + c);
            if (TRows.Count > 2) (Vector512.Load(y2 + c) + a2).Store(y2 + c);
            if (TRows.Count > 3) (Vector512.Load(y3 + c) + a3).Store(y3 + c);
        }
        for (; c < n; c++)
        {
            for (int k = 0; k < TRows.Count; k++)
            {
                float* t = t0 + k * LoraPlan.MaxRank;
                float acc = 0;
                for (int r = 0; r < rank; r++) acc = MathF.FusedMultiplyAdd(t[r], TElem.Load1(b, tail + (long)r * width + (c - c0)), acc);
                p.Y[(long)p.Order[pos + k] * n + c] += acc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add4(float* y, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        (Vector512.Load(y) + a0).Store(y);
        (Vector512.Load(y + 16) + a1).Store(y + 16);
        (Vector512.Load(y + 32) + a2).Store(y + 32);
        (Vector512.Load(y + 48) + a3).Store(y + 48);
    }

    private interface IRowCount
    {
        static abstract int Count { get; }
    }

    private readonly struct One : IRowCount
    {
        public static int Count => 1;
    }

    private readonly struct Two : IRowCount
    {
        public static int Count => 2;
    }

    private readonly struct Three : IRowCount
    {
        public static int Count => 3;
    }

    private readonly struct Four : IRowCount
    {
        public static int Count => 4;
    }
}
