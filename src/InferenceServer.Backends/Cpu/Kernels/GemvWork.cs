using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// y[t, r] = Σ_k x[t, k]·W[r, k] for up to <see cref="MaxTokens"/> tokens, parallel over weight rows. Decode is
/// bound by reading W once, so each weight chunk is loaded once and used for every token.
/// x must be in the loader's order (lane order for fp16/bf16).
/// </summary>
public sealed unsafe class GemvWork<TLoader> : MatMulWork where TLoader : struct, IRowChunkLoader
{
    public const int MaxTokens = 4;

    public override void Execute(int start, int end, int worker)
    {
        if (Tokens == 1) ExecuteSingle(start, end);
        else ExecuteMulti(start, end);
    }

    private void ExecuteSingle(int start, int end)
    {
        int chunks = K / 32;
        float* x = X;
        for (int r = start; r < end; r++)
        {
            byte* row = W + r * RowBytes;
            // Four accumulators over two chunks per iteration keep several FMA chains in flight.
            Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            int c = 0;
            for (; c + 2 <= chunks; c += 2)
            {
                TLoader.Load(row, c, out var a, out var b);
                TLoader.Load(row, c + 1, out var d, out var e);
                float* xc = x + c * 32;
                acc0 = Vector512.FusedMultiplyAdd(a, Vector512.Load(xc), acc0);
                acc1 = Vector512.FusedMultiplyAdd(b, Vector512.Load(xc + 16), acc1);
                acc2 = Vector512.FusedMultiplyAdd(d, Vector512.Load(xc + 32), acc2);
                acc3 = Vector512.FusedMultiplyAdd(e, Vector512.Load(xc + 48), acc3);
            }
            if (c < chunks)
            {
                TLoader.Load(row, c, out var a, out var b);
                acc0 = Vector512.FusedMultiplyAdd(a, Vector512.Load(x + c * 32), acc0);
                acc1 = Vector512.FusedMultiplyAdd(b, Vector512.Load(x + c * 32 + 16), acc1);
            }
            Y[r] = Vector512.Sum((acc0 + acc1) + (acc2 + acc3)) + (Bias != null ? Bias[r] : 0f);
        }
    }

    private void ExecuteMulti(int start, int end)
    {
        int chunks = K / 32, tokens = Tokens;
        var acc = stackalloc Vector512<float>[MaxTokens];
        for (int r = start; r < end; r++)
        {
            byte* row = W + r * RowBytes;
            for (int t = 0; t < tokens; t++) acc[t] = Vector512<float>.Zero;
            for (int c = 0; c < chunks; c++)
            {
                TLoader.Load(row, c, out var a, out var b);
                for (int t = 0; t < tokens; t++)
                {
                    float* x = X + (long)t * K + c * 32;
                    acc[t] = Vector512.FusedMultiplyAdd(a, Vector512.Load(x), Vector512.FusedMultiplyAdd(b, Vector512.Load(x + 16), acc[t]));
                }
            }
            float bias = Bias != null ? Bias[r] : 0f;
            for (int t = 0; t < tokens; t++) Y[(long)t * N + r] = Vector512.Sum(acc[t]) + bias;
        }
    }
}
