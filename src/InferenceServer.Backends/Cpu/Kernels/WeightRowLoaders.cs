using System.Runtime.CompilerServices;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Decodes a chunk of 2·W consecutive values of a weight row (W = the path's vector width) into two float vectors,
/// in natural order. Generic kernels take the loader as a struct type parameter so the JIT specialises each dtype
/// and path with no indirection. Rows are a multiple of 32 values, so every path's chunks tile them exactly.
/// </summary>
public interface IRowChunkLoader
{
    /// <summary>Loads values [2W·chunk, 2W·chunk + 2W) of the row starting at <paramref name="row"/>.</summary>
    static abstract unsafe void Load<TS, TV>(byte* row, int chunk, out TV a, out TV b) where TS : struct, ISimd<TV> where TV : struct;

    /// <summary>Whether rows are decoded to float (anything but fp32 rows).</summary>
    static abstract bool Decodes { get; }
}

/// <summary>float32 rows.</summary>
public readonly struct F32RowLoader : IRowChunkLoader
{
    public static bool Decodes => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load<TS, TV>(byte* row, int chunk, out TV a, out TV b) where TS : struct, ISimd<TV> where TV : struct
    {
        float* p = (float*)row + chunk * 2 * TS.Width;
        a = TS.Load(p);
        b = TS.Load(p + TS.Width);
    }
}

/// <summary>fp16 rows.</summary>
public readonly struct F16RowLoader : IRowChunkLoader
{
    public static bool Decodes => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load<TS, TV>(byte* row, int chunk, out TV a, out TV b) where TS : struct, ISimd<TV> where TV : struct
    {
        TS.LoadHalves((ushort*)row + chunk * 2 * TS.Width, out a, out b);
    }
}

/// <summary>bf16 rows.</summary>
public readonly struct BF16RowLoader : IRowChunkLoader
{
    public static bool Decodes => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load<TS, TV>(byte* row, int chunk, out TV a, out TV b) where TS : struct, ISimd<TV> where TV : struct
    {
        ushort* p = (ushort*)row + chunk * 2 * TS.Width;
        a = TS.LoadBFloat16(p);
        b = TS.LoadBFloat16(p + TS.Width);
    }
}

/// <summary>Q8_0 rows: 34-byte blocks (fp16 scale, 32 int8), dequantized; a chunk is a whole block or part of one.</summary>
public readonly struct Q8_0RowLoader : IRowChunkLoader
{
    public static bool Decodes => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Load<TS, TV>(byte* row, int chunk, out TV a, out TV b) where TS : struct, ISimd<TV> where TV : struct
    {
        int first = chunk * 2 * TS.Width;
        byte* block = row + (first >> 5) * 34;
        sbyte* q = (sbyte*)(block + 2) + (first & 31);
        var d = TS.Create(HalfBits.HalfToFloat(*(ushort*)block));
        a = TS.Multiply(TS.LoadSByte(q), d);
        b = TS.Multiply(TS.LoadSByte(q + TS.Width), d);
    }
}
