using System.Runtime.CompilerServices;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>Scalar fp16 to fp32 for block scales, the same bit manipulation the vector paths use (<see cref="HalfFloatBits"/>).</summary>
public static class HalfBits
{
    /// <summary>fp16 bits to float, exact for normal and subnormal values (inf/nan weights are not supported).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HalfToFloat(ushort h)
    {
        int t = ((int)h << 16) >> 3;
        int magnitude = t & HalfFloatBits.MagnitudeMask;
        float f = magnitude >= HalfFloatBits.ExponentStep
            ? BitConverter.Int32BitsToSingle(magnitude + HalfFloatBits.ExponentRebias)
            : BitConverter.Int32BitsToSingle(magnitude + HalfFloatBits.ExponentRebias + HalfFloatBits.ExponentStep) - BitConverter.Int32BitsToSingle(HalfFloatBits.SubnormalBias);
        return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(f) | (t & HalfFloatBits.SignMask));
    }
}
