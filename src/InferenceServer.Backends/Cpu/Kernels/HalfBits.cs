using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// fp16 and bf16 to fp32 without F16C (which .NET does not expose). Vector loads unpack 32 values with zeros
/// per 128-bit lane, which yields them in "lane order": [0..3, 8..11, 16..19, 24..27] then [4..7, 12..15, ...].
/// Kernels permute the activations the same way once, so dot products need no shuffles.
/// </summary>
public static class HalfBits
{
    private const float Fp16ExponentRebias = 5.192296858534828e33f; // 2^112

    /// <summary>fp16 bits to float, exact for normal and subnormal values (inf/nan weights are not supported).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HalfToFloat(ushort h)
    {
        int bits = (((int)h << 16) >> 3) & unchecked((int)0x8FFFE000);
        return BitConverter.Int32BitsToSingle(bits) * Fp16ExponentRebias;
    }

    /// <summary>bf16 bits to float (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BFloat16ToFloat(ushort b) => BitConverter.Int32BitsToSingle(b << 16);

    /// <summary>Unpacks 32 bf16 values into two float vectors in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BFloat16x32(Vector512<ushort> v, out Vector512<float> lo, out Vector512<float> hi)
    {
        lo = Avx512BW.UnpackLow(Vector512<ushort>.Zero, v).AsSingle();
        hi = Avx512BW.UnpackHigh(Vector512<ushort>.Zero, v).AsSingle();
    }

    /// <summary>Unpacks 32 fp16 values into two float vectors in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Halfx32(Vector512<ushort> v, out Vector512<float> lo, out Vector512<float> hi)
    {
        var mask = Vector512.Create(unchecked((int)0x8FFFE000));
        var scale = Vector512.Create(Fp16ExponentRebias);
        var l = Avx512BW.UnpackLow(Vector512<ushort>.Zero, v).AsInt32();
        var h = Avx512BW.UnpackHigh(Vector512<ushort>.Zero, v).AsInt32();
        lo = (Vector512.ShiftRightArithmetic(l, 3) & mask).AsSingle() * scale;
        hi = (Vector512.ShiftRightArithmetic(h, 3) & mask).AsSingle() * scale;
    }

    /// <summary>Index in natural order of the value at position <paramref name="i"/> (0..31) of a lane-ordered chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LaneOrderSource(int i)
    {
        int half = i >> 4;        // 0: low unpack, 1: high unpack
        int lane = (i >> 2) & 3;  // 128-bit lane
        int within = i & 3;
        return lane * 8 + half * 4 + within;
    }

    /// <summary>Copies <paramref name="src"/> (length a multiple of 32) into lane order, chunk by chunk.</summary>
    public static unsafe void ToLaneOrder(float* src, float* dst, int length)
    {
        for (int c = 0; c < length; c += 32)
        {
            for (int i = 0; i < 32; i++) dst[c + i] = src[c + LaneOrderSource(i)];
        }
    }
}
