using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Y[T, N] = X[T, K] · Wᵀ for prefill-sized T. Each task takes a panel of 32 weight rows, decodes it once into a
/// k-major float panel (dequantization is folded into this packing), then sweeps all tokens with an 8×32
/// register tile: 16 accumulators, two weight loads and eight broadcasts per k.
/// </summary>
public sealed unsafe class GemmWork<TLoader> : MatMulWork where TLoader : struct, IRowChunkLoader
{
    public const int PanelRows = 32;
    private const int TileTokens = 8;

    /// <summary>One k-major panel buffer of K*32 floats per worker thread.</summary>
    public float*[] Panels = [];

    public override void Execute(int start, int end, int worker)
    {
        float* panel = Panels[worker];
        for (int p = start; p < end; p++)
        {
            int n0 = p * PanelRows;
            int valid = Math.Min(PanelRows, N - n0);
            Pack(panel, n0, valid);
            int t = 0;
            for (; t + TileTokens <= Tokens; t += TileTokens) Tile8(panel, t, n0, valid);
            for (; t < Tokens; t++) Tile1(panel, t, n0, valid);
        }
    }

    private void Pack(float* panel, int n0, int valid)
    {
        int chunks = K / 32;
        for (int r = 0; r < PanelRows; r++)
        {
            if (r >= valid)
            {
                for (int k = 0; k < K; k++) panel[k * PanelRows + r] = 0f;
                continue;
            }
            byte* row = W + (n0 + r) * RowBytes;
            for (int c = 0; c < chunks; c++)
            {
                TLoader.Load(row, c, out var a, out var b);
                float* dst = panel + (c * 32) * PanelRows + r;
                for (int i = 0; i < 16; i++) dst[i * PanelRows] = a.GetElement(i);
                for (int i = 0; i < 16; i++) dst[(i + 16) * PanelRows] = b.GetElement(i);
            }
        }
    }

    private void Tile8(float* panel, int t0, int n0, int valid)
    {
        int k = K;
        float* x0 = X + (long)t0 * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k, x6 = x5 + k, x7 = x6 + k;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        float* w = panel;
        for (int i = 0; i < k; i++, w += PanelRows)
        {
            var w0 = Vector512.Load(w);
            var w1 = Vector512.Load(w + 16);
            var b = Vector512.Create(x0[i]); c00 = Vector512.FusedMultiplyAdd(w0, b, c00); c01 = Vector512.FusedMultiplyAdd(w1, b, c01);
            b = Vector512.Create(x1[i]); c10 = Vector512.FusedMultiplyAdd(w0, b, c10); c11 = Vector512.FusedMultiplyAdd(w1, b, c11);
            b = Vector512.Create(x2[i]); c20 = Vector512.FusedMultiplyAdd(w0, b, c20); c21 = Vector512.FusedMultiplyAdd(w1, b, c21);
            b = Vector512.Create(x3[i]); c30 = Vector512.FusedMultiplyAdd(w0, b, c30); c31 = Vector512.FusedMultiplyAdd(w1, b, c31);
            b = Vector512.Create(x4[i]); c40 = Vector512.FusedMultiplyAdd(w0, b, c40); c41 = Vector512.FusedMultiplyAdd(w1, b, c41);
            b = Vector512.Create(x5[i]); c50 = Vector512.FusedMultiplyAdd(w0, b, c50); c51 = Vector512.FusedMultiplyAdd(w1, b, c51);
            b = Vector512.Create(x6[i]); c60 = Vector512.FusedMultiplyAdd(w0, b, c60); c61 = Vector512.FusedMultiplyAdd(w1, b, c61);
            b = Vector512.Create(x7[i]); c70 = Vector512.FusedMultiplyAdd(w0, b, c70); c71 = Vector512.FusedMultiplyAdd(w1, b, c71);
        }
        Store(t0 + 0, n0, valid, c00, c01); Store(t0 + 1, n0, valid, c10, c11);
        Store(t0 + 2, n0, valid, c20, c21); Store(t0 + 3, n0, valid, c30, c31);
        Store(t0 + 4, n0, valid, c40, c41); Store(t0 + 5, n0, valid, c50, c51);
        Store(t0 + 6, n0, valid, c60, c61); Store(t0 + 7, n0, valid, c70, c71);
    }

    private void Tile1(float* panel, int t, int n0, int valid)
    {
        float* x = X + (long)t * K;
        Vector512<float> c0 = default, c1 = default;
        float* w = panel;
        for (int i = 0; i < K; i++, w += PanelRows)
        {
            var b = Vector512.Create(x[i]);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Load(w), b, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 16), b, c1);
        }
        Store(t, n0, valid, c0, c1);
    }

    private void Store(int t, int n0, int valid, Vector512<float> lo, Vector512<float> hi)
    {
        float* y = Y + (long)t * N + n0;
        if (Bias != null)
        {
            float* bias = Bias + n0;
            if (valid == PanelRows)
            {
                lo += Vector512.Load(bias);
                hi += Vector512.Load(bias + 16);
            }
            else
            {
                for (int i = 0; i < valid; i++) y[i] = (i < 16 ? lo.GetElement(i) : hi.GetElement(i - 16)) + bias[i];
                return;
            }
        }
        if (valid == PanelRows)
        {
            lo.Store(y);
            hi.Store(y + 16);
            return;
        }
        for (int i = 0; i < valid; i++) y[i] = i < 16 ? lo.GetElement(i) : hi.GetElement(i - 16);
    }
}
