using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Y[T, N] = X[T, K] · Wᵀ for prefill-sized T, as llama.cpp's tinyBLAS does it: X and W are both contiguous along
/// K, so a 4-token × 4-row tile keeps 16 vector dot-product accumulators and reduces them once at the end. No
/// packing: each weight chunk is decoded (fp16/bf16/Q8_0 → float) once and used for four tokens. Work items are
/// 64-row × 64-token blocks so both operands of a block stay in L2.
/// </summary>
public sealed unsafe class GemmWork<TLoader, TS, TV> : MatMulWork
    where TLoader : struct, IRowChunkLoader where TS : struct, ISimd<TV> where TV : struct
{
    public const int BlockRows = 64;
    public const int BlockTokens = 64;

    /// <summary>Number of work items for the current operands.</summary>
    public override int Items => RowBlocks * ((Tokens + BlockTokens - 1) / BlockTokens);

    private int RowBlocks => (N + BlockRows - 1) / BlockRows;

    public override void Execute(int start, int end, int worker)
    {
        for (int item = start; item < end; item++)
        {
            int r0 = item % RowBlocks * BlockRows, t0 = item / RowBlocks * BlockTokens;
            int r1 = Math.Min(N, r0 + BlockRows), t1 = Math.Min(Tokens, t0 + BlockTokens);
            int r = r0;
            for (; r + 4 <= r1; r += 4)
            {
                int t = t0;
                for (; t + 4 <= t1; t += 4) Tile4x4(t, r);
                for (; t < t1; t++) for (int i = 0; i < 4; i++) Dot1(t, r + i);
            }
            for (; r < r1; r++) for (int t = t0; t < t1; t++) Dot1(t, r);
        }
    }

    private void Tile4x4(int t, int r)
    {
        int w = TS.Width, chunks = K / (2 * w);
        byte* w0 = W + r * RowBytes, w1 = w0 + RowBytes, w2 = w1 + RowBytes, w3 = w2 + RowBytes;
        float* x0 = X + (long)t * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
        TV c00 = default, c01 = default, c02 = default, c03 = default;
        TV c10 = default, c11 = default, c12 = default, c13 = default;
        TV c20 = default, c21 = default, c22 = default, c23 = default;
        TV c30 = default, c31 = default, c32 = default, c33 = default;
        for (int c = 0; c < chunks; c++)
        {
            TLoader.Load<TS, TV>(w0, c, out var a0, out var b0);
            TLoader.Load<TS, TV>(w1, c, out var a1, out var b1);
            TLoader.Load<TS, TV>(w2, c, out var a2, out var b2);
            TLoader.Load<TS, TV>(w3, c, out var a3, out var b3);
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

    private void Dot1(int t, int r)
    {
        byte* w = W + r * RowBytes;
        float* x = X + (long)t * K;
        TV acc = default;
        int width = TS.Width;
        for (int c = 0; c < K / (2 * width); c++)
        {
            TLoader.Load<TS, TV>(w, c, out var a, out var b);
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
}
