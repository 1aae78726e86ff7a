using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Y[T, N] = X[T, K] · Wᵀ for prefill-sized T, as llama.cpp's tinyBLAS does it: X and W are both contiguous along
/// K, so a 4-token × 4-row tile keeps 16 vector dot-product accumulators and reduces them once at the end. Work
/// items are 64-row × 64-token blocks so both operands of a block stay in L2. fp16/bf16/Q8_0 rows are decoded to
/// float once per 4 rows of a block, into the worker's scratch, and that panel serves all the block's tokens: the
/// widening (several instructions per vector without F16C) then costs 1/64 of what decoding per tile would.
/// </summary>
public sealed unsafe class GemmWork<TLoader, TS, TV> : MatMulWork, IDisposable
    where TLoader : struct, IRowChunkLoader where TS : struct, ISimd<TV> where TV : struct
{
    public const int BlockRows = 64;
    public const int BlockTokens = 64;

    private readonly WorkerScratch _panels;

    public GemmWork(int workers) => _panels = new WorkerScratch(workers);

    /// <summary>Number of work items for the current operands.</summary>
    public override int Items => RowBlocks * ((Tokens + BlockTokens - 1) / BlockTokens);

    private int RowBlocks => (N + BlockRows - 1) / BlockRows;

    public override void Execute(int start, int end, int worker)
    {
        float* panel = TLoader.Decodes ? _panels.Get(worker, 4L * K) : null;
        for (int item = start; item < end; item++)
        {
            int r0 = item % RowBlocks * BlockRows, t0 = item / RowBlocks * BlockTokens;
            int r1 = Math.Min(N, r0 + BlockRows), t1 = Math.Min(Tokens, t0 + BlockTokens);
            int r = r0;
            for (; r + 4 <= r1; r += 4)
            {
                if (TLoader.Decodes)
                {
                    for (int i = 0; i < 4; i++) DecodeRow(W + (r + i) * RowBytes, panel + (long)i * K);
                    Rows4<F32RowLoader>(t0, t1, r, (byte*)panel, K * sizeof(float));
                }
                else
                {
                    Rows4<F32RowLoader>(t0, t1, r, W + r * RowBytes, RowBytes);
                }
            }
            for (; r < r1; r++) for (int t = t0; t < t1; t++) Dot1<TLoader>(t, r, W + r * RowBytes);
        }
    }

    private void DecodeRow(byte* row, float* destination)
    {
        int w = TS.Width;
        for (int c = 0; c < K / (2 * w); c++)
        {
            TLoader.Load<TS, TV>(row, c, out var a, out var b);
            TS.Store(a, destination + c * 2 * w);
            TS.Store(b, destination + c * 2 * w + w);
        }
    }

    /// <summary>Tokens [t0, t1) against the 4 rows from <paramref name="rows"/> (read by <typeparamref name="TL"/>).</summary>
    private void Rows4<TL>(int t0, int t1, int r, byte* rows, long rowBytes) where TL : struct, IRowChunkLoader
    {
        int t = t0;
        for (; t + 4 <= t1; t += 4) Tile4x4<TL>(t, r, rows, rowBytes);
        for (; t < t1; t++) for (int i = 0; i < 4; i++) Dot1<TL>(t, r + i, rows + i * rowBytes);
    }

    private void Tile4x4<TL>(int t, int r, byte* w0, long rowBytes) where TL : struct, IRowChunkLoader
    {
        int w = TS.Width, chunks = K / (2 * w);
        byte* w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
        float* x0 = X + (long)t * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
        TV c00 = default, c01 = default, c02 = default, c03 = default;
        TV c10 = default, c11 = default, c12 = default, c13 = default;
        TV c20 = default, c21 = default, c22 = default, c23 = default;
        TV c30 = default, c31 = default, c32 = default, c33 = default;
        for (int c = 0; c < chunks; c++)
        {
            TL.Load<TS, TV>(w0, c, out var a0, out var b0);
            TL.Load<TS, TV>(w1, c, out var a1, out var b1);
            TL.Load<TS, TV>(w2, c, out var a2, out var b2);
            TL.Load<TS, TV>(w3, c, out var a3, out var b3);
            int k = c * 2 * w;
            var xa = TS.Load(x0 + k); var xb = TS.Load(x0 + k + w);
            c00 = Fma(a0, xa, b0, xb, c00); c01 = Fma(a1, xa, b1, xb, c01); c02 = Fma(a2, xa, b2, xb, c02); c03 = Fma(a3, xa, b3, xb, c03);
            xa = TS.Load(x1 + k); xb = TS.Load(x1 + k + w);
            c10 = Fma(a0, xa, b0, xb, c10); c11 = Fma(a1, xa, b1, xb, c11); c12 = Fma(a2, xa, b2, xb, c12); c13 = Fma(a3, xa, b3, xb, c13);
            xa = TS.Load(x2 + k); xb = TS.Load(x2 + k + w);
            c20 = Fma(a0, xa, b0, xb, c20); c21 = Fma(a1, xa, b1, xb, c21); c22 = Fma(a2, xa, b2, xb, c22); c23 = Fma(a3, xa, b3, xb, c23);
            xa = TS.Load(x3 + k); xb = TS.Load(x3 + k + w);
            c30 = Fma(a0, xa, b0, xb, c30); c31 = Fma(a1, xa, b1, xb, c31); c32 = Fma(a2, xa, b2, xb, c32); c33 = Fma(a3, xa, b3, xb, c33);
        }
        Store(t, r, TS.Sum4(c00, c01, c02, c03));
        Store(t + 1, r, TS.Sum4(c10, c11, c12, c13));
        Store(t + 2, r, TS.Sum4(c20, c21, c22, c23));
        Store(t + 3, r, TS.Sum4(c30, c31, c32, c33));
    }

    private void Dot1<TL>(int t, int r, byte* w) where TL : struct, IRowChunkLoader
    {
        float* x = X + (long)t * K;
        TV acc = default;
        int width = TS.Width;
        for (int c = 0; c < K / (2 * width); c++)
        {
            TL.Load<TS, TV>(w, c, out var a, out var b);
            acc = Fma(a, TS.Load(x + c * 2 * width), b, TS.Load(x + c * 2 * width + width), acc);
        }
        Y[(long)t * N + r] = TS.Sum(acc) + (Bias != null ? Bias[r] : 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Fma(TV a, TV x, TV b, TV y, TV acc)
        => TS.MultiplyAdd(b, y, TS.MultiplyAdd(a, x, acc));

    private void Store(int t, int r, Vector128<float> sums)
    {
        if (Bias != null) sums += Vector128.Load(Bias + r);
        sums.Store(Y + (long)t * N + r);
    }

    public void Dispose() => _panels.Dispose();
}
