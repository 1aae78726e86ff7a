using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>A device work buffer that grows to the largest size asked for and is then reused (half-precision activations, split-K workspace, LoRA t).</summary>
internal sealed class DeviceScratch : IDisposable
{
    private readonly IKernelDevice _device;
    private readonly Action? _moved;
    private nint _pointer;
    private long _bytes;

    /// <param name="moved">Called when the buffer is reallocated (captured graphs pointing at it are stale).</param>
    public DeviceScratch(IKernelDevice device, Action? moved = null)
    {
        _device = device;
        _moved = moved;
    }

    /// <summary>At least <paramref name="bytes"/> of device memory (contents undefined).</summary>
    public nint Get(long bytes)
    {
        if (bytes <= _bytes) return _pointer;
        _device.Launcher.Synchronize();
        if (_pointer != 0) _device.Free(_pointer);
        _pointer = 0;
        _bytes = 0;
        _pointer = _device.Allocate(bytes);
        _bytes = bytes;
        _moved?.Invoke();
        return _pointer;
    }

    public void Dispose()
    {
        if (_pointer != 0) _device.Free(_pointer);
        _pointer = 0;
    }
}
