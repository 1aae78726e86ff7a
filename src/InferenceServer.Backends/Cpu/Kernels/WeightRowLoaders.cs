using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Decodes 32 consecutive values of a weight row into two float vectors. Generic kernels take the loader as a
/// struct type parameter so the JIT specialises each dtype with no indirection.
/// </summary>
public interface IRowChunkLoader
{
    /// <summary>True when the two vectors hold the chunk in <see cref="HalfBits"/> lane order, not natural order.</summary>
    static abstract bool LaneOrdered { get; }

    /// <summary>Loads values [32*chunk, 32*chunk+32) of the row starting at <paramref name="row"/>.</summary>
    static abstract unsafe void Load(byte* row, int chunk, out Vector512<float> a, out Vector512<float> b);
}

/// <summary>float32 rows.</summary>
public readonly struct F32RowLoader : IRowChunkLoader
{
    public static bool LaneOrdered => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load(byte* row, int chunk, out Vector512<float> a, out Vector512<float> b)
    {
        float* p = (float*)row + chunk * 32;
        a = Vector512.Load(p);
        b = Vector512.Load(p + 16);
    }
}

/// <summary>fp16 rows (lane ordered).</summary>
public readonly struct F16RowLoader : IRowChunkLoader
{
    public static bool LaneOrdered => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load(byte* row, int chunk, out Vector512<float> a, out Vector512<float> b)
        => HalfBits.Halfx32(Vector512.Load((ushort*)row + chunk * 32), out a, out b);
}

/// <summary>bf16 rows (lane ordered).</summary>
public readonly struct BF16RowLoader : IRowChunkLoader
{
    public static bool LaneOrdered => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load(byte* row, int chunk, out Vector512<float> a, out Vector512<float> b)
        => HalfBits.BFloat16x32(Vector512.Load((ushort*)row + chunk * 32), out a, out b);
}

/// <summary>Q8_0 rows: each chunk is one 34-byte block (fp16 scale, 32 int8), dequantized in natural order.</summary>
public readonly struct Q8_0RowLoader : IRowChunkLoader
{
    public static bool LaneOrdered => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load(byte* row, int chunk, out Vector512<float> a, out Vector512<float> b)
    {
        byte* block = row + chunk * 34;
        var d = Vector512.Create(HalfBits.HalfToFloat(*(ushort*)block));
        var q = Vector256.Load((sbyte*)(block + 2));
        var (lo, hi) = Vector256.Widen(q);
        var (i0, i1) = Vector256.Widen(lo);
        var (i2, i3) = Vector256.Widen(hi);
        a = Vector512.ConvertToSingle(Vector512.Create(i0, i1)) * d;
        b = Vector512.ConvertToSingle(Vector512.Create(i2, i3)) * d;
    }
}
