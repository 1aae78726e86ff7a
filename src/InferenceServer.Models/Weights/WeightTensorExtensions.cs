using InferenceServer.Models.Quantization;

namespace InferenceServer.Models.Weights;

/// <summary>fp32 views of weight tensors of any storage type (for conversion, tests and reference code).</summary>
public static class WeightTensorExtensions
{
    /// <summary>All values of <paramref name="tensor"/> as fp32 (dequantized / widened).</summary>
    public static float[] ToFloat32(this WeightTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var result = new float[checked((int)tensor.ElementCount)];
        long rows = tensor.ElementCount / tensor.Columns;
        int cols = checked((int)tensor.Columns);
        for (long r = 0; r < rows; r++)
            TensorCodec.Decode(RowOf(tensor, r), tensor.DType, result.AsSpan(checked((int)(r * cols)), cols));
        return result;
    }

    /// <summary>Row <paramref name="row"/> of a tensor (counting all outer dimensions as rows) as fp32.</summary>
    public static float[] RowToFloat32(this WeightTensor tensor, long row)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var result = new float[checked((int)tensor.Columns)];
        TensorCodec.Decode(RowOf(tensor, row), tensor.DType, result);
        return result;
    }

    private static unsafe ReadOnlySpan<byte> RowOf(WeightTensor t, long row)
    {
        long rowBytes = Core.Tensors.TensorDTypeExtensions.RowBytes(t.DType, t.Columns);
        if (row < 0 || (row + 1) * rowBytes > t.ByteLength) throw new ArgumentOutOfRangeException(nameof(row));
        return new ReadOnlySpan<byte>(t.Data + row * rowBytes, checked((int)rowBytes));
    }
}
