using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// y[t, r] = Σ_k x[t, k]·W[r, k] for up to <see cref="MaxTokens"/> tokens, parallel over weight rows. Decode is
/// bound by reading W once, so each weight chunk is loaded once and used for every token.
/// </summary>
public sealed unsafe class GemvWork<TLoader, TS, TV> : MatMulWork
    where TLoader : struct, IRowChunkLoader where TS : struct, ISimd<TV> where TV : struct
{
    public const int MaxTokens = 4;

    public override int Items => N;

    public override int Grain(int threads) => GemvGrain(threads);

    public override void Execute(int start, int end, int worker)
    {
        if (Tokens == 1) ExecuteSingle(start, end);
        else ExecuteMulti(start, end);
    }

    private void ExecuteSingle(int start, int end)
    {
        int w = TS.Width, chunks = K / (2 * w);
        long chunkBytes = RowBytes / chunks;
        float* x = X;
        for (int r = start; r < end; r++)
        {
            byte* row = W + r * RowBytes;
            // Four accumulators over two chunks per iteration keep several FMA chains in flight.
            TV acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            int c = 0;
            for (; c + 2 <= chunks; c += 2)
            {
                if (TLoader.Decodes)
                {
                    byte* pair = row + c * chunkBytes;
                    WeightPrefetch.Ahead(pair);
                    if (2 * chunkBytes > 64) WeightPrefetch.Ahead(pair + 64);
                }
                TLoader.Load<TS, TV>(row, c, out var a, out var b);
                TLoader.Load<TS, TV>(row, c + 1, out var d, out var e);
                float* xc = x + c * 2 * w;
                acc0 = TS.MultiplyAdd(a, TS.Load(xc), acc0);
                acc1 = TS.MultiplyAdd(b, TS.Load(xc + w), acc1);
                acc2 = TS.MultiplyAdd(d, TS.Load(xc + 2 * w), acc2);
                acc3 = TS.MultiplyAdd(e, TS.Load(xc + 3 * w), acc3);
            }
            if (c < chunks)
            {
                TLoader.Load<TS, TV>(row, c, out var a, out var b);
                acc0 = TS.MultiplyAdd(a, TS.Load(x + c * 2 * w), acc0);
                acc1 = TS.MultiplyAdd(b, TS.Load(x + c * 2 * w + w), acc1);
            }
            Y[r] = TS.Sum(TS.Add(TS.Add(acc0, acc1), TS.Add(acc2, acc3))) + (Bias != null ? Bias[r] : 0f);
        }
    }

    private void ExecuteMulti(int start, int end)
    {
        int w = TS.Width, chunks = K / (2 * w), tokens = Tokens;
        long chunkBytes = RowBytes / chunks;
        // Accumulators by token, as locals so they stay in registers (a stackalloc'd array would not).
        TV acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        for (int r = start; r < end; r++)
        {
            byte* row = W + r * RowBytes;
            acc0 = acc1 = acc2 = acc3 = default;
            float* x0 = X, x1 = X + K, x2 = X + 2L * K, x3 = X + 3L * K;
            for (int c = 0; c < chunks; c++)
            {
                if (TLoader.Decodes) WeightPrefetch.Ahead(row + c * chunkBytes);
                TLoader.Load<TS, TV>(row, c, out var a, out var b);
                int k = c * 2 * w;
                acc0 = TS.MultiplyAdd(a, TS.Load(x0 + k), TS.MultiplyAdd(b, TS.Load(x0 + k + w), acc0));
                acc1 = TS.MultiplyAdd(a, TS.Load(x1 + k), TS.MultiplyAdd(b, TS.Load(x1 + k + w), acc1));
                if (tokens > 2) acc2 = TS.MultiplyAdd(a, TS.Load(x2 + k), TS.MultiplyAdd(b, TS.Load(x2 + k + w), acc2));
                if (tokens > 3) acc3 = TS.MultiplyAdd(a, TS.Load(x3 + k), TS.MultiplyAdd(b, TS.Load(x3 + k + w), acc3));
            }
            float bias = Bias != null ? Bias[r] : 0f;
            Y[r] = TS.Sum(acc0) + bias;
            Y[(long)N + r] = TS.Sum(acc1) + bias;
            if (tokens > 2) Y[2L * N + r] = TS.Sum(acc2) + bias;
            if (tokens > 3) Y[3L * N + r] = TS.Sum(acc3) + bias;
        }
    }
}
