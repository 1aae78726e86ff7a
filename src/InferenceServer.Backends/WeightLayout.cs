using InferenceServer.Core.Tensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Backends;

/// <summary>
/// How a backend holds a checkpoint tensor: rows × columns in a storage type. Vectors (norms, biases) are tiny, read
/// every token and taken by the kernels in the activation type, so they are always fp32.
/// </summary>
public readonly record struct WeightLayout(int Rows, int Columns, TensorDType Storage, bool IsVector)
{
    /// <summary>The layout of <paramref name="tensor"/> stored as <paramref name="storage"/>; throws for tensors of other ranks.</summary>
    public static WeightLayout Of(WeightTensor tensor, TensorDType storage)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int dims = tensor.Shape.Count;
        if (dims is < 1 or > 2) throw new ArgumentException($"{tensor.Name}: expected a vector or a matrix, got {dims} dimensions");
        bool vector = dims == 1;
        return new WeightLayout(checked((int)tensor.Rows), checked((int)tensor.Columns), vector ? TensorDType.F32 : storage, vector);
    }

    /// <summary>Throws unless Q8_0 storage has whole 32-value blocks per row.</summary>
    public void RequireWholeQ8Blocks(string name)
    {
        if (Storage == TensorDType.Q8_0 && Columns % 32 != 0)
            throw new ArgumentException($"{name}: Q8_0 needs rows of a multiple of 32 values, got {Columns}");
    }

    /// <summary>Bytes of one stored row.</summary>
    public long RowBytes => Storage.RowBytes(Columns);
}
