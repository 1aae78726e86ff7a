using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Emulation;

/// <summary>The emulation's staging buffer: plain host memory, copied through the device's upload (so captures forbid it too).</summary>
internal sealed unsafe class HostStagingBuffer(EmulatedDevice device, long bytes) : IStagingBuffer
{
    private nint _host = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes), 64);

    public nint Host => _host;

    public long Bytes { get; } = bytes;

    public void CopyTo(nint destination, long bytes) => device.Upload(new ReadOnlySpan<byte>((void*)_host, checked((int)bytes)), destination);

    public void WaitForCopy()
    {
    }

    public void Dispose()
    {
        if (_host != 0) NativeMemory.AlignedFree((void*)_host);
        _host = 0;
    }
}
