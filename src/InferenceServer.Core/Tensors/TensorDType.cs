namespace InferenceServer.Core.Tensors;

/// <summary>Storage type of a weight tensor.</summary>
[System.ComponentModel.TypeConverter(typeof(TensorDTypeConverter))]
public enum TensorDType
{
    F32,
    F16,
    BF16,
    /// <summary>GGUF Q8_0: blocks of 32 int8 values sharing one fp16 scale (34 bytes a block).</summary>
    Q8_0,
}

/// <summary>Sizes of the storage types.</summary>
public static class TensorDTypeExtensions
{
    /// <summary>Values per quantization block (1 for plain types).</summary>
    public static int BlockSize(this TensorDType t) => t == TensorDType.Q8_0 ? 32 : 1;

    /// <summary>Bytes per block (per element for plain types).</summary>
    public static int BlockBytes(this TensorDType t) => t switch
    {
        TensorDType.F32 => 4,
        TensorDType.F16 => 2,
        TensorDType.BF16 => 2,
        TensorDType.Q8_0 => 34,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Bytes needed for a row of <paramref name="elements"/> values.</summary>
    public static long RowBytes(this TensorDType t, long elements)
    {
        int bs = t.BlockSize();
        if (elements % bs != 0)
            throw new ArgumentException($"{t} rows must be a multiple of {bs} elements, got {elements}", nameof(elements));
        return elements / bs * t.BlockBytes();
    }

    /// <summary>Parses "f32", "float16", "bf16", "q8_0" and the like.</summary>
    public static TensorDType Parse(string s) => s.ToUpperInvariant() switch
    {
        "F32" or "FLOAT32" or "FP32" or "FLOAT" => TensorDType.F32,
        "F16" or "FLOAT16" or "FP16" or "HALF" => TensorDType.F16,
        "BF16" or "BFLOAT16" => TensorDType.BF16,
        "Q8_0" or "Q8" => TensorDType.Q8_0,
        _ => throw new ArgumentException($"unknown dtype '{s}' (expected f32, f16, bf16 or q8_0)", nameof(s)),
    };
}
