namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>
/// fp16 → fp32 by integer bit manipulation, the same in every path (no path here may assume F16C, which .NET does not
/// expose). The half, sign-extended to 32 bits and shifted left by 13, has its exponent and mantissa where fp32's
/// are; <see cref="Mask"/> keeps sign, exponent and mantissa, and adding <see cref="ExponentRebias"/> to the bits
/// moves the exponent from fp16's bias (15) to fp32's (127), which is exact for every normal half. Halves with a zero
/// exponent (zeros and subnormals) get one more exponent step and then 2^-14 subtracted, which is exact too. No step
/// makes a subnormal fp32: an earlier version scaled the bits by 2^112 in floating point, and on Intel cores every
/// subnormal operand costs a microcode assist, which made F16 GEMV 3-5x slower on real (N(0, 0.02)) weights.
/// Infinities and NaNs are not preserved (weights have none).
/// </summary>
internal static class HalfFloatBits
{
    /// <summary>Sign, exponent and mantissa of the shifted, sign-extended half.</summary>
    public const int Mask = unchecked((int)0x8FFFE000);

    /// <summary>Exponent and mantissa only.</summary>
    public const int MagnitudeMask = 0x0FFFE000;

    public const int SignMask = unchecked((int)0x80000000);

    /// <summary>(127 - 15) in fp32's exponent field.</summary>
    public const int ExponentRebias = 0x38000000;

    /// <summary>One exponent step: magnitudes below it had a zero fp16 exponent.</summary>
    public const int ExponentStep = 0x00800000;

    /// <summary>The bits of 2^-14, the implicit one a zero-exponent half gained and loses again.</summary>
    public const int SubnormalBias = 0x38800000;

    /// <summary>A half's exponent bits: a 16-bit lane with none set is a zero or a subnormal.</summary>
    public const ushort HalfExponentMask = 0x7C00;
}
