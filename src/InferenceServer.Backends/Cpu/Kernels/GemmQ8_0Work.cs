using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Y[T, N] = X[T, K] · Wᵀ for Q8_0 weights and batches of tokens (batched decode and prefill) with int8 dot
/// products on x86 (<typeparamref name="TDot"/>: AVX-VNNI, or AVX2's vpmaddubsw). Activations are quantized per
/// 32-value block and packed so that one 256-bit vector holds the same 4 positions of 8 tokens; each dot
/// instruction then multiplies one broadcast weight dword with 8 tokens at once and leaves one lane per token, so
/// a block's dot products need no horizontal sums and the block scales are applied to 8 tokens with one
/// multiply-add; two tiles at a time reuse each broadcast weight dword for 16 tokens. VNNI multiplies unsigned by
/// signed bytes, so its activations are offset to x + 128 and each block's sum starts at -128·Σw to take that back.
/// Work items are chunks of weight rows; each chunk's block scales (and weight sums) are computed once into
/// per-worker scratch and reused for every token tile.
/// </summary>
public sealed unsafe class GemmQ8_0Work<TDot> : Q8MatMulWork, IDisposable where TDot : struct, IQ8TileDot
{
    /// <summary>Tokens per packed tile: the lanes of one 256-bit vector of int32.</summary>
    public const int TileTokens = 8;

    /// <summary>Weight rows per work item.</summary>
    public const int ChunkRows = 16;

    private readonly WorkerScratch _workerScratch;
    private byte* _packed;
    private byte* _scales;
    private long _packedCapacity;
    private long _scalesCapacity;

    public GemmQ8_0Work(int workers)
    {
        _workerScratch = new WorkerScratch(workers);
    }

    /// <summary>Number of work items for the current operands.</summary>
    public override int Items => (N + ChunkRows - 1) / ChunkRows;

    private int Blocks => K / 32;
    private int Tiles => (Tokens + TileTokens - 1) / TileTokens;

    /// <summary>Packs the quantized activations (<see cref="Q8MatMulWork.Xq"/>, <see cref="Q8MatMulWork.XScales"/>) into token tiles.</summary>
    public override void Prepare()
    {
        sbyte* quantized = Xq;
        float* scales = XScales;
        int blocks = Blocks, tiles = Tiles;
        uint offset = TDot.Offset ? 0x80808080u : 0u;
        long packedBytes = (long)tiles * blocks * 32 * TileTokens;
        long scaleFloats = (long)tiles * blocks * TileTokens;
        Ensure(ref _packed, ref _packedCapacity, packedBytes);
        float* packedScales = (float*)Ensure(ref _scales, ref _scalesCapacity, scaleFloats * sizeof(float));
        for (int tile = 0; tile < tiles; tile++)
        {
            for (int lane = 0; lane < TileTokens; lane++)
            {
                int t = tile * TileTokens + lane;
                bool real = t < Tokens;
                uint* src = real ? (uint*)(quantized + (long)t * K) : null;
                for (int b = 0; b < blocks; b++)
                {
                    uint* dst = (uint*)(_packed + ((long)tile * blocks + b) * 32 * TileTokens) + lane;
                    // XOR 0x80 turns int8 x into uint8 x + 128 where the dot needs it; padding tokens are x = 0.
                    for (int j = 0; j < 8; j++) dst[j * TileTokens] = real ? src[b * 8 + j] ^ offset : offset;
                    packedScales[((long)tile * blocks + b) * TileTokens + lane] = real ? scales[(long)t * blocks + b] : 0f;
                }
            }
        }
    }

    public override void Execute(int start, int end, int worker)
    {
        int blocks = Blocks;
        float* dw = _workerScratch.Get(worker, ChunkRows * blocks * 2);
        int* corr = (int*)(dw + ChunkRows * blocks);
        for (int item = start; item < end; item++)
        {
            int r0 = item * ChunkRows, rows = Math.Min(ChunkRows, N - r0);
            for (int i = 0; i < rows; i++) RowBlockConstants(W + (r0 + i) * RowBytes, blocks, dw + i * blocks, corr + i * blocks);
            int tile = 0;
            for (; tile + 2 <= Tiles; tile += 2)
            {
                int i = 0;
                for (; i + 4 <= rows; i += 4) Rows4Tiles2(tile, r0 + i, dw + i * blocks, corr + i * blocks);
                for (; i < rows; i++)
                {
                    Rows1(tile, r0 + i, dw + i * blocks, corr + i * blocks);
                    Rows1(tile + 1, r0 + i, dw + i * blocks, corr + i * blocks);
                }
            }
            for (; tile < Tiles; tile++)
            {
                int i = 0;
                for (; i + 4 <= rows; i += 4) Rows4(tile, r0 + i, dw + i * blocks, corr + i * blocks);
                for (; i < rows; i++) Rows1(tile, r0 + i, dw + i * blocks, corr + i * blocks);
            }
        }
    }

    /// <summary>Each block's fp16 scale as float and, for offset activations, -128·Σw (the correction).</summary>
    private static void RowBlockConstants(byte* row, int blocks, float* dw, int* corr)
    {
        for (int b = 0; b < blocks; b++)
        {
            byte* block = row + b * 34;
            dw[b] = HalfBits.HalfToFloat(*(ushort*)block);
            corr[b] = TDot.Offset ? -128 * Vector256.Sum(X86Q8Dot.Dot(Vector256.Create((byte)1), Vector256.Load((sbyte*)(block + 2)))) : 0;
        }
    }

    private void Rows4(int tile, int r, float* dw, int* corr)
    {
        int blocks = Blocks;
        byte* w0 = W + r * RowBytes + 2, w1 = w0 + RowBytes, w2 = w1 + RowBytes, w3 = w2 + RowBytes;
        byte* xp = _packed + (long)tile * blocks * 32 * TileTokens;
        float* xs = (float*)_scales + (long)tile * blocks * TileTokens;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int b = 0; b < blocks; b++, xp += 32 * TileTokens, xs += TileTokens)
        {
            var i0 = Vector256.Create(corr[b]);
            var i1 = Vector256.Create(corr[blocks + b]);
            var i2 = Vector256.Create(corr[2 * blocks + b]);
            var i3 = Vector256.Create(corr[3 * blocks + b]);
            int o = b * 34;
            for (int j = 0; j < 32; j += 4)
            {
                var x = Vector256.Load(xp + j * TileTokens);
                i0 = TDot.Dot(i0, x, Weights(w0 + o + j));
                i1 = TDot.Dot(i1, x, Weights(w1 + o + j));
                i2 = TDot.Dot(i2, x, Weights(w2 + o + j));
                i3 = TDot.Dot(i3, x, Weights(w3 + o + j));
            }
            var s = Vector256.Load(xs);
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), s * dw[b], a0);
            a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i1), s * dw[blocks + b], a1);
            a2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i2), s * dw[2 * blocks + b], a2);
            a3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i3), s * dw[3 * blocks + b], a3);
        }
        Store(tile, r, a0);
        Store(tile, r + 1, a1);
        Store(tile, r + 2, a2);
        Store(tile, r + 3, a3);
    }

    // 4 rows × 16 tokens: each broadcast weight dword feeds two VNNI instructions, halving weight loads.
    private void Rows4Tiles2(int tile, int r, float* dw, int* corr)
    {
        int blocks = Blocks;
        long tileBytes = (long)blocks * 32 * TileTokens;
        byte* w0 = W + r * RowBytes + 2, w1 = w0 + RowBytes, w2 = w1 + RowBytes, w3 = w2 + RowBytes;
        byte* xp = _packed + tile * tileBytes;
        float* xs = (float*)_scales + (long)tile * blocks * TileTokens;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        for (int b = 0; b < blocks; b++, xp += 32 * TileTokens, xs += TileTokens)
        {
            var c0 = Vector256.Create(corr[b]);
            var c1 = Vector256.Create(corr[blocks + b]);
            var c2 = Vector256.Create(corr[2 * blocks + b]);
            var c3 = Vector256.Create(corr[3 * blocks + b]);
            Vector256<int> i0 = c0, i1 = c1, i2 = c2, i3 = c3, j0 = c0, j1 = c1, j2 = c2, j3 = c3;
            int o = b * 34;
            for (int j = 0; j < 32; j += 4)
            {
                var x = Vector256.Load(xp + j * TileTokens);
                var y = Vector256.Load(xp + tileBytes + j * TileTokens);
                var v0 = Weights(w0 + o + j);
                var v1 = Weights(w1 + o + j);
                var v2 = Weights(w2 + o + j);
                var v3 = Weights(w3 + o + j);
                i0 = TDot.Dot(i0, x, v0);
                j0 = TDot.Dot(j0, y, v0);
                i1 = TDot.Dot(i1, x, v1);
                j1 = TDot.Dot(j1, y, v1);
                i2 = TDot.Dot(i2, x, v2);
                j2 = TDot.Dot(j2, y, v2);
                i3 = TDot.Dot(i3, x, v3);
                j3 = TDot.Dot(j3, y, v3);
            }
            var s = Vector256.Load(xs);
            var t = Vector256.Load(xs + (long)blocks * TileTokens);
            float d0 = dw[b], d1 = dw[blocks + b], d2 = dw[2 * blocks + b], d3 = dw[3 * blocks + b];
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), s * d0, a0);
            b0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(j0), t * d0, b0);
            a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i1), s * d1, a1);
            b1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(j1), t * d1, b1);
            a2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i2), s * d2, a2);
            b2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(j2), t * d2, b2);
            a3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i3), s * d3, a3);
            b3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(j3), t * d3, b3);
        }
        Store(tile, r, a0);
        Store(tile, r + 1, a1);
        Store(tile, r + 2, a2);
        Store(tile, r + 3, a3);
        Store(tile + 1, r, b0);
        Store(tile + 1, r + 1, b1);
        Store(tile + 1, r + 2, b2);
        Store(tile + 1, r + 3, b3);
    }

    private void Rows1(int tile, int r, float* dw, int* corr)
    {
        int blocks = Blocks;
        byte* w0 = W + r * RowBytes + 2;
        byte* xp = _packed + (long)tile * blocks * 32 * TileTokens;
        float* xs = (float*)_scales + (long)tile * blocks * TileTokens;
        Vector256<float> a0 = default;
        for (int b = 0; b < blocks; b++, xp += 32 * TileTokens, xs += TileTokens)
        {
            var i0 = Vector256.Create(corr[b]);
            int o = b * 34;
            for (int j = 0; j < 32; j += 4) i0 = TDot.Dot(i0, Vector256.Load(xp + j * TileTokens), Weights(w0 + o + j));
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), Vector256.Load(xs) * dw[b], a0);
        }
        Store(tile, r, a0);
    }

    /// <summary>Writes one row's results for the tile's tokens (lane = token) into Y[t, r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(int tile, int r, Vector256<float> values)
    {
        float bias = Bias != null ? Bias[r] : 0f;
        int t0 = tile * TileTokens, count = Math.Min(TileTokens, Tokens - t0);
        for (int lane = 0; lane < count; lane++) Y[(long)(t0 + lane) * N + r] = values.GetElement(lane) + bias;
    }

    /// <summary>Four weights of one row, broadcast to every token's lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static X86Q8Weights Weights(byte* w)
    {
        var v = Vector256.Create(*(int*)w).AsSByte();
        return new X86Q8Weights(v, TDot.Offset ? default : Avx2.Abs(v));
    }

    private static byte* Ensure(ref byte* buffer, ref long capacity, long bytes)
    {
        if (bytes > capacity)
        {
            if (buffer != null) NativeMemory.AlignedFree(buffer);
            long grown = Math.Max(bytes, capacity * 2);
            buffer = (byte*)NativeMemory.AlignedAlloc((nuint)grown, 64);
            capacity = grown;
        }
        return buffer;
    }

    public void Dispose()
    {
        _workerScratch.Dispose();
        if (_packed != null) NativeMemory.AlignedFree(_packed);
        if (_scales != null) NativeMemory.AlignedFree(_scales);
        _packed = null;
        _scales = null;
    }
}
