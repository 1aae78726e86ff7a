using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>
/// A growable device array of one batch's metadata (token ids, positions, slot mapping, block tables...), written
/// through a staging buffer (page-locked on a GPU) so the copy is queued without the host waiting. The staging buffer
/// doubles as the mirror of what was uploaded last, so the same positions or block tables asked for by every layer
/// of a step are copied once per step, not once per layer.
/// </summary>
internal sealed unsafe class DeviceArray<T> : IDisposable where T : unmanaged, IEquatable<T>
{
    private readonly IKernelDevice _device;
    private readonly Action? _moved;
    private IStagingBuffer? _staging;
    private int _capacity;
    private int _count = -1;
    private nint _pointer;

    /// <param name="moved">Called when the array is reallocated (captured graphs pointing at it are stale).</param>
    public DeviceArray(IKernelDevice device, Action? moved = null)
    {
        _device = device;
        _moved = moved;
    }

    private Span<T> Mirror => _staging == null ? default : new Span<T>((void*)_staging.Host, _capacity);

    /// <summary>The device copy of <paramref name="values"/> (valid until the next upload).</summary>
    public nint Upload(ReadOnlySpan<T> values)
    {
        if (values.Length == _count && values.SequenceEqual(Mirror[.._count])) return _pointer;
        if (values.Length > _capacity)
        {
            // Launches and copies queued on the old array must finish before it goes.
            _device.Launcher.Synchronize();
            Release();
            int capacity = Math.Max(values.Length, Math.Max(64, _capacity * 2));
            _pointer = _device.Allocate((long)capacity * sizeof(T));
            _staging = _device.AllocateStaging((long)capacity * sizeof(T));
            _capacity = capacity;
            _moved?.Invoke();
        }
        // The previous copy from the staging buffer must have been read before it is overwritten.
        _staging!.WaitForCopy();
        values.CopyTo(Mirror);
        _count = values.Length;
        if (values.Length > 0) _staging.CopyTo(_pointer, (long)values.Length * sizeof(T));
        return _pointer;
    }

    private void Release()
    {
        if (_pointer != 0) _device.Free(_pointer);
        _pointer = 0;
        _staging?.Dispose();
        _staging = null;
    }

    public void Dispose() => Release();
}
