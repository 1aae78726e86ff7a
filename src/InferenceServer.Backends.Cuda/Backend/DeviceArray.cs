using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>
/// A growable device array of one batch's metadata (token ids, positions, slot mapping, block tables...). The host
/// keeps a mirror of what was uploaded last, so the same positions or block tables asked for by every layer of a
/// step are copied once per step, not once per layer.
/// </summary>
internal sealed class DeviceArray<T> : IDisposable where T : unmanaged, IEquatable<T>
{
    private readonly IKernelDevice _device;
    private readonly Action? _moved;
    private T[] _mirror = [];
    private int _count = -1;
    private nint _pointer;

    /// <param name="moved">Called when the array is reallocated (captured graphs pointing at it are stale).</param>
    public DeviceArray(IKernelDevice device, Action? moved = null)
    {
        _device = device;
        _moved = moved;
    }

    /// <summary>The device copy of <paramref name="values"/> (valid until the next upload).</summary>
    public nint Upload(ReadOnlySpan<T> values)
    {
        if (values.Length == _count && values.SequenceEqual(_mirror.AsSpan(0, _count))) return _pointer;
        if (values.Length > _mirror.Length)
        {
            // Launches queued on the old array must finish before it goes.
            _device.Launcher.Synchronize();
            if (_pointer != 0) _device.Free(_pointer);
            _pointer = 0;
            int capacity = Math.Max(values.Length, Math.Max(64, _mirror.Length * 2));
            _pointer = _device.Allocate((long)capacity * Marshal.SizeOf<T>());
            _mirror = new T[capacity];
            _moved?.Invoke();
        }
        if (values.Length > 0) _device.Upload(values, _pointer);
        values.CopyTo(_mirror);
        _count = values.Length;
        return _pointer;
    }

    public void Dispose()
    {
        if (_pointer != 0) _device.Free(_pointer);
        _pointer = 0;
    }
}
