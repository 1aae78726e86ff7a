using System.Runtime.CompilerServices;
using InferenceServer.Backends.Cpu.Simd;
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
/// four rows by 4W columns of accumulators per pass over Bᵀ (W: the path's vector width). Every row gets the same
/// operations in the same order whatever else is in its group, so a request's output does not depend on its batch.
/// </summary>
public sealed unsafe class LoraWork<TElem, TS, TV> : ParallelWork
    where TElem : struct, IKvElements where TS : struct, ISimd<TV> where TV : struct
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

    /// <summary>The batch rows at positions pos.. of a [rows, n] matrix (the first row again where there are fewer than four).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows<TRows>(float* m, int[] order, int pos, int n, out float* r0, out float* r1, out float* r2, out float* r3)
        where TRows : struct, IRowCount
    {
        r0 = m + (long)order[pos] * n;
        r1 = TRows.Count > 1 ? m + (long)order[pos + 1] * n : r0;
        r2 = TRows.Count > 2 ? m + (long)order[pos + 2] * n : r0;
        r3 = TRows.Count > 3 ? m + (long)order[pos + 3] * n : r0;
    }

    private static void ShrinkRows<TRows>(LoraPlan p, int group, int pos) where TRows : struct, IRowCount
    {
        int n = p.InFeatures, vecEnd = n - n % TS.Width, rank = p.Rank[group];
        float s = p.Scaling[group];
        void* a = (void*)p.A[group];
        Rows<TRows>(p.X, p.Order, pos, n, out float* x0, out float* x1, out float* x2, out float* x3);
        float* t = p.T + (long)pos * LoraPlan.MaxRank;
        for (int r = 0; r < rank; r += 2)
        {
            // An odd last rank runs as a pair with itself; the copy is not stored.
            int r1 = r + 1 < rank ? r + 1 : r;
            long a0 = (long)r * n, a1 = (long)r1 * n;
            RankPair d0 = default, d1 = default, d2 = default, d3 = default;
            for (int i = 0; i < vecEnd; i += TS.Width)
            {
                // One prefetch per 64-byte line read.
                if (i * ElementBytes % 64 == 0)
                {
                    TS.Prefetch((byte*)a + (a0 + i) * ElementBytes + PrefetchDistance);
                    TS.Prefetch((byte*)a + (a1 + i) * ElementBytes + PrefetchDistance);
                }
                var w0 = TElem.Load<TS, TV>(a, a0 + i);
                var w1 = TElem.Load<TS, TV>(a, a1 + i);
                d0.Fma(w0, w1, x0 + i);
                if (TRows.Count > 1) d1.Fma(w0, w1, x1 + i);
                if (TRows.Count > 2) d2.Fma(w0, w1, x2 + i);
                if (TRows.Count > 3) d3.Fma(w0, w1, x3 + i);
            }
            var pair = new ShrinkTail(a, a0, a1, vecEnd, n, s, r, r1);
            pair.Store(d0, x0, t);
            if (TRows.Count > 1) pair.Store(d1, x1, t + LoraPlan.MaxRank);
            if (TRows.Count > 2) pair.Store(d2, x2, t + 2 * LoraPlan.MaxRank);
            if (TRows.Count > 3) pair.Store(d3, x3, t + 3 * LoraPlan.MaxRank);
        }
    }

    /// <summary>One row's lanes of the dot products with two rows of A.</summary>
    private struct RankPair
    {
        public TV C0, C1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Fma(TV w0, TV w1, float* x)
        {
            var v = TS.Load(x);
            C0 = TS.MultiplyAdd(w0, v, C0);
            C1 = TS.MultiplyAdd(w1, v, C1);
        }
    }

    /// <summary>Finishes a <see cref="RankPair"/>: sums the lanes, adds the inputs past the last whole vector, scales, stores t[r] (and t[r1]).</summary>
    private readonly struct ShrinkTail(void* a, long a0, long a1, int vecEnd, int n, float s, int r, int r1)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(in RankPair d, float* x, float* t)
        {
            float d0 = TS.Sum(d.C0), d1 = TS.Sum(d.C1);
            for (int i = vecEnd; i < n; i++)
            {
                d0 += TElem.Load1(a, a0 + i) * x[i];
                d1 += TElem.Load1(a, a1 + i) * x[i];
            }
            t[r] = d0 * s;
            if (r1 != r) t[r1] = d1 * s;
        }
    }

    private static void ExpandRows<TRows>(LoraPlan p, int group, int pos) where TRows : struct, IRowCount
    {
        int n = p.OutFeatures, rank = p.Rank[group];
        void* b = (void*)p.B[group];
        Rows<TRows>(p.Y, p.Order, pos, n, out float* y0, out float* y1, out float* y2, out float* y3);
        float* t0 = p.T + (long)pos * LoraPlan.MaxRank;
        float* t1 = t0 + LoraPlan.MaxRank, t2 = t1 + LoraPlan.MaxRank, t3 = t2 + LoraPlan.MaxRank;
        // Bᵀ is stored in column blocks (LoraPlan.BlockedIndex): block c..c+64 is [rank, 64], read front to back,
        // in strips of 4W columns (the whole block at once with AVX-512).
        int c = 0, w = TS.Width;
        for (; c + 64 <= n; c += 64)
        {
            long block = (long)c * rank;
            for (int strip = 0; strip < 64; strip += 4 * w)
            {
                Columns e0 = default, e1 = default, e2 = default, e3 = default;
                for (int r = 0; r < rank; r++)
                {
                    long at = block + r * 64 + strip;
                    if (strip == 0)
                    {
                        TS.Prefetch((byte*)b + at * ElementBytes + PrefetchDistance);
                        if (ElementBytes == 4) TS.Prefetch((byte*)b + at * ElementBytes + PrefetchDistance + 128);
                    }
                    var b0 = TElem.Load<TS, TV>(b, at);
                    var b1 = TElem.Load<TS, TV>(b, at + w);
                    var b2 = TElem.Load<TS, TV>(b, at + 2 * w);
                    var b3 = TElem.Load<TS, TV>(b, at + 3 * w);
                    e0.Fma(t0[r], b0, b1, b2, b3);
                    if (TRows.Count > 1) e1.Fma(t1[r], b0, b1, b2, b3);
                    if (TRows.Count > 2) e2.Fma(t2[r], b0, b1, b2, b3);
                    if (TRows.Count > 3) e3.Fma(t3[r], b0, b1, b2, b3);
                }
                e0.AddTo(y0 + c + strip);
                if (TRows.Count > 1) e1.AddTo(y1 + c + strip);
                if (TRows.Count > 2) e2.AddTo(y2 + c + strip);
                if (TRows.Count > 3) e3.AddTo(y3 + c + strip);
            }
        }
        // The last block, narrower than 64 columns: [rank, width].
        long tail = (long)c * rank;
        int width = n - c, c0 = c;
        for (; c + w <= n; c += w)
        {
            TV a0 = default, a1 = default, a2 = default, a3 = default;
            for (int r = 0; r < rank; r++)
            {
                var bv = TElem.Load<TS, TV>(b, tail + (long)r * width + (c - c0));
                a0 = TS.MultiplyAdd(TS.Create(t0[r]), bv, a0);
                if (TRows.Count > 1) a1 = TS.MultiplyAdd(TS.Create(t1[r]), bv, a1);
                if (TRows.Count > 2) a2 = TS.MultiplyAdd(TS.Create(t2[r]), bv, a2);
                if (TRows.Count > 3) a3 = TS.MultiplyAdd(TS.Create(t3[r]), bv, a3);
            }
            TS.Store(TS.Add(TS.Load(y0 + c), a0), y0 + c);
            if (TRows.Count > 1) TS.Store(TS.Add(TS.Load(y1 + c), a1), y1 + c);
            if (TRows.Count > 2) TS.Store(TS.Add(TS.Load(y2 + c), a2), y2 + c);
            if (TRows.Count > 3) TS.Store(TS.Add(TS.Load(y3 + c), a3), y3 + c);
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

    /// <summary>One row's accumulators for 4W output columns.</summary>
    private struct Columns
    {
        public TV A0, A1, A2, A3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Fma(float t, TV b0, TV b1, TV b2, TV b3)
        {
            var w = TS.Create(t);
            A0 = TS.MultiplyAdd(w, b0, A0);
            A1 = TS.MultiplyAdd(w, b1, A1);
            A2 = TS.MultiplyAdd(w, b2, A2);
            A3 = TS.MultiplyAdd(w, b3, A3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void AddTo(float* y)
        {
            int w = TS.Width;
            TS.Store(TS.Add(TS.Load(y), A0), y);
            TS.Store(TS.Add(TS.Load(y + w), A1), y + w);
            TS.Store(TS.Add(TS.Load(y + 2 * w), A2), y + 2 * w);
            TS.Store(TS.Add(TS.Load(y + 3 * w), A3), y + 3 * w);
        }
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
