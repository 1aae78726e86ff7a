namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>A grid or block extent, as CUDA's dim3.</summary>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    public static implicit operator Dim3(int x) => new(checked((uint)x));

    public static Dim3 FromInt32(int x) => x;

    /// <summary>X·Y·Z.</summary>
    public ulong Volume => (ulong)X * Y * Z;
}
