namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>
/// fp16 → fp32 by bit manipulation, the same in every path (no path here may assume F16C, which .NET does not
/// expose): the half sign-extended to 32 bits and shifted left by 13 lines its exponent and mantissa up with
/// fp32's (the same bits as the half in the top 16 bits shifted right arithmetically by 3), the mask keeps sign,
/// exponent and mantissa, and ×2^112 rebiases the exponent (also turning fp16 subnormals into the right fp32
/// normals). Infinities and NaNs are not preserved (weights have none).
/// </summary>
internal static class HalfFloatBits
{
    public const int Mask = unchecked((int)0x8FFFE000);
    public const float ExponentRebias = 5.192296858534828e33f; // 2^112
}
