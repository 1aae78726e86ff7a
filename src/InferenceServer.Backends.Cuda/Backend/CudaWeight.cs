using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Quantization;
using InferenceServer.Models.Weights;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>A weight in device memory in its storage type (f32, f16, bf16 or GGUF Q8_0 blocks), uploaded once.</summary>
public sealed unsafe class CudaWeight : IDeviceWeight
{
    private readonly WeightTensor _source;

    internal CudaWeight(WeightTensor source, TensorDType dtype, int rows, int columns, nint pointer)
    {
        _source = source;
        Name = source.Name;
        DType = dtype;
        Rows = rows;
        Columns = columns;
        Pointer = pointer;
    }

    public string Name { get; }
    public TensorDType DType { get; }
    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Device address of row 0.</summary>
    public nint Pointer { get; }

    /// <summary>The kernel element type of a dense (non-Q8_0) weight.</summary>
    public KernelDType KernelType => KernelDTypeExtensions.FromTensor(DType);

    /// <summary>
    /// Row <paramref name="row"/> as the device holds it, widened to fp32, computed on the host from the mapped
    /// source (the storage rounding applied): how embeddings of half and Q8_0 tables are gathered without a copy.
    /// </summary>
    public void HostRow(int row, Span<float> destination)
    {
        long sourceRowBytes = _source.DType.RowBytes(Columns);
        var source = new ReadOnlySpan<byte>(_source.Data + row * sourceRowBytes, (int)sourceRowBytes);
        TensorCodec.Decode(source, _source.DType, destination);
        if (_source.DType != DType) TensorCodec.Round(destination, DType);
    }
}
