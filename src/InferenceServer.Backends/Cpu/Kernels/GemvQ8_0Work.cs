using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Decode GEMV on Q8_0 weights against Q8-quantized activations: per block an int8 dot product (VNNI when
/// available) scaled by both block scales. Reads 34 bytes per 32 weights, a quarter of fp32.
/// </summary>
public sealed unsafe class GemvQ8_0Work : MatMulWork
{
    public const int MaxTokens = 4;

    /// <summary>Activations quantized per 32-value block (X itself is not read).</summary>
    public sbyte* Xq;
    public float* XScales;

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
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int b = 0;
            for (; b + 4 <= blocks; b += 4)
            {
                byte* block = row + b * 34;
                a0 = Block(block, xq + b * 32, xs[b], a0);
                a1 = Block(block + 34, xq + (b + 1) * 32, xs[b + 1], a1);
                a2 = Block(block + 68, xq + (b + 2) * 32, xs[b + 2], a2);
                a3 = Block(block + 102, xq + (b + 3) * 32, xs[b + 3], a3);
            }
            for (; b < blocks; b++) a0 = Block(row + b * 34, xq + b * 32, xs[b], a0);
            Y[r] = Vector256.Sum((a0 + a1) + (a2 + a3)) + (Bias != null ? Bias[r] : 0f);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Block(byte* block, sbyte* xq, float xScale, Vector256<float> acc)
    {
        var w = Vector256.Load((sbyte*)(block + 2));
        var dot = Dot(Avx2.Abs(w), Avx2.Sign(Vector256.Load(xq), w));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(dot), Vector256.Create(HalfBits.HalfToFloat(*(ushort*)block) * xScale), acc);
    }

    private void ExecuteMulti(int start, int end)
    {
        int blocks = K / 32, tokens = Tokens;
        var acc = stackalloc Vector256<float>[MaxTokens];
        for (int r = start; r < end; r++)
        {
            byte* row = W + r * RowBytes;
            for (int t = 0; t < tokens; t++) acc[t] = Vector256<float>.Zero;
            for (int b = 0; b < blocks; b++)
            {
                byte* block = row + b * 34;
                float dw = HalfBits.HalfToFloat(*(ushort*)block);
                var w = Vector256.Load((sbyte*)(block + 2));
                var aw = Avx2.Abs(w);
                for (int t = 0; t < tokens; t++)
                {
                    var xq = Vector256.Load(Xq + (long)t * K + b * 32);
                    var dot = Dot(aw, Avx2.Sign(xq, w));
                    acc[t] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(dot), Vector256.Create(dw * XScales[t * blocks + b]), acc[t]);
                }
            }
            float bias = Bias != null ? Bias[r] : 0f;
            for (int t = 0; t < tokens; t++) Y[(long)t * N + r] = Vector256.Sum(acc[t]) + bias;
        }
    }

    private static Vector256<int> Dot(Vector256<byte> unsignedW, Vector256<sbyte> signedX)
    {
        if (AvxVnni.IsSupported) return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, unsignedW, signedX);
        var pairs = Avx2.MultiplyAddAdjacent(unsignedW, signedX);
        return Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }
}
