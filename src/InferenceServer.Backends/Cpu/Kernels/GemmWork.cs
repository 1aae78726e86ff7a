using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Y[T, N] = X[T, K] · Wᵀ for prefill-sized T, as llama.cpp's tinyBLAS does it: X and W are both contiguous along
/// K, so a 4-token × 4-row tile keeps 16 vector dot-product accumulators and reduces them once at the end. No
/// packing: each weight chunk is decoded (fp16/bf16/Q8_0 → float) once and used for four tokens. Work items are
/// 64-row × 64-token blocks so both operands of a block stay in L2.
/// </summary>
public sealed unsafe class GemmWork<TLoader> : MatMulWork where TLoader : struct, IRowChunkLoader
{
    public const int BlockRows = 64;
    public const int BlockTokens = 64;

    /// <summary>Number of work items for the current operands.</summary>
    public int Items => RowBlocks * ((Tokens + BlockTokens - 1) / BlockTokens);

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
        int chunks = K / 32;
        byte* w0 = W + r * RowBytes, w1 = w0 + RowBytes, w2 = w1 + RowBytes, w3 = w2 + RowBytes;
        float* x0 = X + (long)t * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int c = 0; c < chunks; c++)
        {
            TLoader.Load(w0, c, out var a0, out var b0);
            TLoader.Load(w1, c, out var a1, out var b1);
            TLoader.Load(w2, c, out var a2, out var b2);
            TLoader.Load(w3, c, out var a3, out var b3);
            int k = c * 32;
            var xa = Vector512.Load(x0 + k); var xb = Vector512.Load(x0 + k + 16);
            c00 = Fma(a0, xa, b0, xb, c00); c01 = Fma(a1, xa, b1, xb, c01); c02 = Fma(a2, xa, b2, xb, c02); c03 = Fma(a3, xa, b3, xb, c03);
            xa = Vector512.Load(x1 + k); xb = Vector512.Load(x1 + k + 16);
            c10 = Fma(a0, xa, b0, xb, c10); c11 = Fma(a1, xa, b1, xb, c11); c12 = Fma(a2, xa, b2, xb, c12); c13 = Fma(a3, xa, b3, xb, c13);
            xa = Vector512.Load(x2 + k); xb = Vector512.Load(x2 + k + 16);
            c20 = Fma(a0, xa, b0, xb, c20); c21 = Fma(a1, xa, b1, xb, c21); c22 = Fma(a2, xa, b2, xb, c22); c23 = Fma(a3, xa, b3, xb, c23);
            xa = Vector512.Load(x3 + k); xb = Vector512.Load(x3 + k + 16);
            c30 = Fma(a0, xa, b0, xb, c30); c31 = Fma(a1, xa, b1, xb, c31); c32 = Fma(a2, xa, b2, xb, c32); c33 = Fma(a3, xa, b3, xb, c33);
        }
        Store(t, r, Sum4(c00, c01, c02, c03));
        Store(t + 1, r, Sum4(c10, c11, c12, c13));
        Store(t + 2, r, Sum4(c20, c21, c22, c23));
        Store(t + 3, r, Sum4(c30, c31, c32, c33));
    }

    private void Dot1(int t, int r)
    {
        byte* w = W + r * RowBytes;
        float* x = X + (long)t * K;
        Vector512<float> acc = default;
        for (int c = 0; c < K / 32; c++)
        {
            TLoader.Load(w, c, out var a, out var b);
            acc = Fma(a, Vector512.Load(x + c * 32), b, Vector512.Load(x + c * 32 + 16), acc);
        }
        Y[(long)t * N + r] = Vector512.Sum(acc) + (Bias != null ? Bias[r] : 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> x, Vector512<float> b, Vector512<float> y, Vector512<float> acc)
        => Vector512.FusedMultiplyAdd(b, y, Vector512.FusedMultiplyAdd(a, x, acc));

    /// <summary>The four horizontal sums [Σa, Σb, Σc, Σd] with a shared add tree instead of four separate reductions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        var a2 = a.GetLower() + a.GetUpper();
        var b2 = b.GetLower() + b.GetUpper();
        var c2 = c.GetLower() + c.GetUpper();
        var d2 = d.GetLower() + d.GetUpper();
        var h = Avx.HorizontalAdd(Avx.HorizontalAdd(a2, b2), Avx.HorizontalAdd(c2, d2));
        return h.GetLower() + h.GetUpper();
    }

    private void Store(int t, int r, Vector128<float> sums)
    {
        if (Bias != null) sums += Vector128.Load(Bias + r);
        sums.Store(Y + (long)t * N + r);
    }
}
