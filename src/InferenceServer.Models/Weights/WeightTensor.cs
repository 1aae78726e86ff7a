using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Weights;

/// <summary>
/// A named weight tensor whose bytes live in memory owned elsewhere (a memory-mapped file or a native buffer).
/// Shape is row-major, outermost first, as Hugging Face writes it: a linear layer is [out_features, in_features].
/// </summary>
public sealed unsafe class WeightTensor
{
    public WeightTensor(string name, TensorDType dtype, long[] shape, byte* data, long byteLength)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Data = data;
        ByteLength = byteLength;
    }

    public string Name { get; }
    public TensorDType DType { get; }
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Pointer to the first byte; valid while the owning <see cref="IWeightSource"/> is alive.</summary>
    public byte* Data { get; }
    public long ByteLength { get; }

    public long ElementCount
    {
        get { long n = 1; foreach (var d in Shape) n *= d; return n; }
    }

    /// <summary>Rows of a 2-D tensor (1 for a vector).</summary>
    public long Rows => Shape.Count == 1 ? 1 : Shape[0];

    /// <summary>Innermost dimension.</summary>
    public long Columns => Shape[^1];

    public ReadOnlySpan<byte> Bytes => new(Data, checked((int)ByteLength));

    /// <summary>The bytes of one row of a 2-D tensor.</summary>
    public ReadOnlySpan<byte> RowBytes(long row)
    {
        long rb = DType.RowBytes(Columns);
        return new ReadOnlySpan<byte>(Data + row * rb, checked((int)rb));
    }

    public override string ToString() => $"{Name} {DType} [{string.Join(", ", Shape)}]";
}
