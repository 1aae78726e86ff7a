using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Gguf;

/// <summary>One entry of a GGUF file's tensor table.</summary>
/// <param name="Name">Tensor name as stored (GGUF naming, e.g. "blk.0.attn_q.weight").</param>
/// <param name="GgmlType">Raw ggml type id.</param>
/// <param name="Dimensions">ggml dimensions, innermost first (ne[0] is the row length).</param>
/// <param name="Offset">Offset of the data from the start of the file.</param>
/// <param name="ByteLength">Size of the data, or -1 when the type is not supported (size unknown).</param>
public sealed record GgufTensorInfo(string Name, uint GgmlType, long[] Dimensions, long Offset, long ByteLength)
{
    /// <summary>The storage type, or null when the engine does not support <see cref="GgmlType"/>.</summary>
    public TensorDType? DType => GgmlTypes.ToDType(GgmlType);

    /// <summary>Shape in Hugging Face order (outermost first): a linear layer is [rows, columns].</summary>
    public long[] Shape
    {
        get
        {
            var s = (long[])Dimensions.Clone();
            Array.Reverse(s);
            return s;
        }
    }
}
