using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Gguf;

/// <summary>ggml tensor type ids (ggml.h) and their mapping to the storage types the engine supports.</summary>
public static class GgmlTypes
{
    public const uint F32 = 0;
    public const uint F16 = 1;
    public const uint Q8_0 = 8;
    public const uint BF16 = 30;

    /// <summary>The supported storage type for a ggml type id, or null when the engine cannot use it.</summary>
    public static TensorDType? ToDType(uint ggmlType) => ggmlType switch
    {
        F32 => TensorDType.F32,
        F16 => TensorDType.F16,
        Q8_0 => TensorDType.Q8_0,
        BF16 => TensorDType.BF16,
        _ => null,
    };

    public static uint FromDType(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => F32,
        TensorDType.F16 => F16,
        TensorDType.Q8_0 => Q8_0,
        TensorDType.BF16 => BF16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>A readable name for error messages ("Q4_K (12)"), covering the types llama.cpp writes.</summary>
    public static string Describe(uint ggmlType)
    {
        string? name = ggmlType switch
        {
            0 => "F32", 1 => "F16", 2 => "Q4_0", 3 => "Q4_1", 6 => "Q5_0", 7 => "Q5_1", 8 => "Q8_0", 9 => "Q8_1",
            10 => "Q2_K", 11 => "Q3_K", 12 => "Q4_K", 13 => "Q5_K", 14 => "Q6_K", 15 => "Q8_K",
            16 => "IQ2_XXS", 17 => "IQ2_XS", 18 => "IQ3_XXS", 19 => "IQ1_S", 20 => "IQ4_NL", 21 => "IQ3_S",
            22 => "IQ2_S", 23 => "IQ4_XS", 24 => "I8", 25 => "I16", 26 => "I32", 27 => "I64", 28 => "F64",
            29 => "IQ1_M", 30 => "BF16", 34 => "TQ1_0", 35 => "TQ2_0", 39 => "MXFP4",
            _ => null,
        };
        return name is null ? $"unknown ggml type {ggmlType}" : $"{name} ({ggmlType})";
    }
}
