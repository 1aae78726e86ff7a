using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Safetensors;

/// <summary>One tensor entry of a safetensors header.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DTypeName">The dtype as written ("F32", "BF16", "I64", ...).</param>
/// <param name="Shape">Shape, outermost first.</param>
/// <param name="Offset">Offset of the data from the start of the file.</param>
/// <param name="ByteLength">Size of the data in bytes.</param>
public sealed record SafetensorsTensorInfo(string Name, string DTypeName, long[] Shape, long Offset, long ByteLength)
{
    /// <summary>The storage type, or null when the engine does not support <see cref="DTypeName"/>.</summary>
    public TensorDType? DType => SafetensorsDTypes.ToDType(DTypeName);
}
