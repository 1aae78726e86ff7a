namespace InferenceServer.Backends;

/// <summary>
/// A float32 activation buffer owned by a backend: host memory on the CPU backend, device memory on CUDA.
/// Views share memory with their parent and are never freed on their own.
/// </summary>
public readonly struct DeviceBuffer : IEquatable<DeviceBuffer>
{
    public DeviceBuffer(nint pointer, long length)
    {
        Pointer = pointer;
        Length = length;
    }

    /// <summary>Address of element 0.</summary>
    public nint Pointer { get; }

    /// <summary>Number of float elements.</summary>
    public long Length { get; }

    /// <summary>A sub-range of this buffer, in elements.</summary>
    public DeviceBuffer Slice(long start, long length)
    {
        if (start < 0 || length < 0 || start + length > Length)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, {start + length}) outside buffer of {Length}");
        return new DeviceBuffer(Pointer + (nint)(start * sizeof(float)), length);
    }

    public bool Equals(DeviceBuffer other) => Pointer == other.Pointer && Length == other.Length;
    public override bool Equals(object? obj) => obj is DeviceBuffer b && Equals(b);
    public override int GetHashCode() => HashCode.Combine(Pointer, Length);
    public static bool operator ==(DeviceBuffer a, DeviceBuffer b) => a.Equals(b);
    public static bool operator !=(DeviceBuffer a, DeviceBuffer b) => !a.Equals(b);
}
