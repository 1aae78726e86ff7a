using System.Runtime.InteropServices;
using System.Text;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>A device's primary context, retained while this handle lives and made current on the calling thread.</summary>
public sealed unsafe class CudaContext : SafeHandle
{
    // The context this thread last made current: the driver binds contexts per thread, and the engine computes on its
    // own thread, not the one that opened the device.
    [ThreadStatic]
    private static nint _current;

    private CudaContext(int device) : base(0, ownsHandle: true)
    {
        Device = device;
    }

    /// <summary>The device ordinal.</summary>
    public int Device { get; }

    public override bool IsInvalid => handle == 0;

    /// <summary>Initialises the driver, retains device <paramref name="ordinal"/>'s primary context and makes it current.</summary>
    public static CudaContext Create(int ordinal = 0)
    {
        CudaDriver.Initialize();
        CudaNative.cuDeviceGet(out int device, ordinal).Check("cuDeviceGet");
        var context = new CudaContext(device);
        CudaNative.cuDevicePrimaryCtxRetain(out nint ctx, device).Check("cuDevicePrimaryCtxRetain");
        context.SetHandle(ctx);
        context.MakeCurrent();
        return context;
    }

    /// <summary>Binds the context to the calling thread (each thread that calls the driver needs this once).</summary>
    public void MakeCurrent()
    {
        CudaNative.cuCtxSetCurrent(handle).Check("cuCtxSetCurrent");
        _current = handle;
    }

    /// <summary><see cref="MakeCurrent"/> unless this thread already has this context current (one thread-static read).</summary>
    public void EnsureCurrent()
    {
        if (_current != handle) MakeCurrent();
    }

    /// <summary>The device's name, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string DeviceName()
    {
        byte* name = stackalloc byte[256];
        CudaNative.cuDeviceGetName(name, 256, Device).Check("cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)name) ?? "";
    }

    /// <summary>Free and total device memory in bytes (what the KV pool is sized from).</summary>
    public (long Free, long Total) MemoryInfo()
    {
        CudaNative.cuMemGetInfo(out nuint free, out nuint total).Check("cuMemGetInfo");
        return ((long)free, (long)total);
    }

    /// <summary>Waits for all work in the context.</summary>
    public void Synchronize() => CudaNative.cuCtxSynchronize().Check("cuCtxSynchronize");

    protected override bool ReleaseHandle() => CudaNative.cuDevicePrimaryCtxRelease(Device) == CudaResult.Success;

    /// <summary>Compute capability as major * 10 + minor (90 for H100).</summary>
    public int ComputeCapability()
    {
        const int Major = 75, Minor = 76; // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR
        CudaNative.cuDeviceGetAttribute(out int major, Major, Device).Check("cuDeviceGetAttribute");
        CudaNative.cuDeviceGetAttribute(out int minor, Minor, Device).Check("cuDeviceGetAttribute");
        return major * 10 + minor;
    }

    public override string ToString() => new StringBuilder("cuda:").Append(Device).ToString();
}
