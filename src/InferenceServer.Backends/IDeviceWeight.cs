using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends;

/// <summary>A weight tensor as a backend holds it (mapped or uploaded, maybe converted to the compute dtype).</summary>
public interface IDeviceWeight
{
    string Name { get; }
    TensorDType DType { get; }

    /// <summary>Rows of the matrix (output features of a linear layer; 1 for a vector).</summary>
    int Rows { get; }

    /// <summary>Columns (input features; the length of a vector).</summary>
    int Columns { get; }
}
