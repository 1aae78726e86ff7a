namespace InferenceServer.Models.Quantization;

/// <summary>bfloat16 conversions (the top 16 bits of an fp32), rounding to nearest even like PyTorch.</summary>
public static class BFloat16
{
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        // NaN must stay NaN: rounding could carry its payload into the exponent and make it infinity.
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint rounded = bits + 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(rounded >> 16);
    }

    public static float ToSingle(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
