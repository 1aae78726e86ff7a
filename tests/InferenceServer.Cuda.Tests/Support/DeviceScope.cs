using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>Device buffers of one test, freed together.</summary>
internal sealed class DeviceScope : IDisposable
{
    private readonly List<nint> _buffers = [];

    public DeviceScope(string device)
    {
        Device = KernelDevices.Get(device);
    }

    public IKernelDevice Device { get; }

    public IKernelLauncher Launcher => Device.Launcher;

    public nint Allocate(long bytes)
    {
        nint p = Device.Allocate(bytes);
        _buffers.Add(p);
        return p;
    }

    public nint Upload<T>(T[] data) where T : unmanaged
    {
        nint p = Allocate((long)data.Length * Marshal.SizeOf<T>());
        Device.Upload<T>(data, p);
        return p;
    }

    /// <summary>Uploads floats converted to <paramref name="dtype"/>.</summary>
    public nint Upload(float[] values, KernelDType dtype) => Upload(DTypeCodec.Encode(values, dtype));

    public T[] Download<T>(nint source, int count) where T : unmanaged
    {
        var data = new T[count];
        Device.Download<T>(source, data);
        return data;
    }

    /// <summary>Downloads <paramref name="count"/> elements of <paramref name="dtype"/> as floats.</summary>
    public float[] Download(nint source, int count, KernelDType dtype) => DTypeCodec.Decode(Download<byte>(source, count * dtype.Size()), dtype);

    public void Dispose()
    {
        foreach (var p in _buffers) Device.Free(p);
    }
}

