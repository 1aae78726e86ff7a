namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Decode GEMV on Q8_0 weights against Q8-quantized activations: per block an int8 dot product
/// (<typeparamref name="TDot"/>: AVX2/AVX-VNNI or ARM64 sdot) scaled by both block scales. Reads 34 bytes per 32
/// weights, a quarter of fp32.
/// </summary>
public sealed unsafe class GemvQ8_0Work<TDot, TW, TAcc> : Q8MatMulWork
    where TDot : struct, IQ8BlockDot<TW, TAcc> where TW : struct where TAcc : struct
{
    public const int MaxTokens = 4;

    public override int Items => N;

    public override int Grain(int threads) => GemvGrain(threads);

    public override void Execute(int start, int end, int worker)
    {
        if (Tokens == 1) ExecuteSingle(start, end);
        else ExecuteMulti(start, end);
    }

    // One token: four independent accumulators, so the FMA latency chain no longer limits a row to ~8 bytes a cycle.
    private void ExecuteSingle(int start, int end)
    {
        int blocks = K / 32;
        sbyte* xq = Xq;
        float* xs = XScales;
        for (int r = start; r < end; r++)
        {
            byte* row = W + r * RowBytes;
            TAcc a0 = default, a1 = default, a2 = default, a3 = default;
            int b = 0;
            for (; b + 4 <= blocks; b += 4)
            {
                byte* block = row + b * 34;
                // 136 bytes: three prefetches 64 apart touch every line they span.
                WeightPrefetch.Ahead(block);
                WeightPrefetch.Ahead(block + 64);
                WeightPrefetch.Ahead(block + 128);
                a0 = Block(block, xq + b * 32, xs[b], a0);
                a1 = Block(block + 34, xq + (b + 1) * 32, xs[b + 1], a1);
                a2 = Block(block + 68, xq + (b + 2) * 32, xs[b + 2], a2);
                a3 = Block(block + 102, xq + (b + 3) * 32, xs[b + 3], a3);
            }
            for (; b < blocks; b++) a0 = Block(row + b * 34, xq + b * 32, xs[b], a0);
            Y[r] = TDot.Sum(TDot.Add(TDot.Add(a0, a1), TDot.Add(a2, a3))) + (Bias != null ? Bias[r] : 0f);
        }
    }

    private static TAcc Block(byte* block, sbyte* xq, float xScale, TAcc acc)
        => TDot.MultiplyAdd(TDot.LoadWeights((sbyte*)(block + 2)), xq, HalfBits.HalfToFloat(*(ushort*)block) * xScale, acc);

    private void ExecuteMulti(int start, int end)
    {
        int blocks = K / 32, tokens = Tokens;
        for (int r = start; r < end; r++)
        {
            byte* row = W + r * RowBytes;
            TAcc a0 = default, a1 = default, a2 = default, a3 = default;
            for (int b = 0; b < blocks; b++)
            {
                byte* block = row + b * 34;
                WeightPrefetch.Ahead(block);
                float dw = HalfBits.HalfToFloat(*(ushort*)block);
                var w = TDot.LoadWeights((sbyte*)(block + 2));
                sbyte* x = Xq + b * 32;
                a0 = TDot.MultiplyAdd(w, x, dw * XScales[b], a0);
                a1 = TDot.MultiplyAdd(w, x + K, dw * XScales[blocks + b], a1);
                if (tokens > 2) a2 = TDot.MultiplyAdd(w, x + 2L * K, dw * XScales[2 * blocks + b], a2);
                if (tokens > 3) a3 = TDot.MultiplyAdd(w, x + 3L * K, dw * XScales[3 * blocks + b], a3);
            }
            float bias = Bias != null ? Bias[r] : 0f;
            Y[r] = TDot.Sum(a0) + bias;
            Y[(long)N + r] = TDot.Sum(a1) + bias;
            if (tokens > 2) Y[2L * N + r] = TDot.Sum(a2) + bias;
            if (tokens > 3) Y[3L * N + r] = TDot.Sum(a3) + bias;
        }
    }
}
