using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Safetensors;

/// <summary>The dtype names of the safetensors format and which of them the engine supports.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Bytes per element of every dtype the format defines, or null for a name it does not define.</summary>
    public static int? ElementSize(string name) => name switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "BOOL" or "U8" or "I8" or "F8_E4M3" or "F8_E5M2" or "F8_E8M0" => 1,
        _ => null,
    };

    /// <summary>The engine's storage type for a safetensors dtype name, or null when it is not F32, F16 or BF16.</summary>
    public static TensorDType? ToDType(string name) => name switch
    {
        "F32" => TensorDType.F32,
        "F16" => TensorDType.F16,
        "BF16" => TensorDType.BF16,
        _ => null,
    };

    public static string ToName(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => "F32",
        TensorDType.F16 => "F16",
        TensorDType.BF16 => "BF16",
        _ => throw new ArgumentException($"safetensors cannot store {dtype}", nameof(dtype)),
    };
}
