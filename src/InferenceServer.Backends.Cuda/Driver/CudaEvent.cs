using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>An event recorded on a stream, for timing kernels and for waiting on part of a stream.</summary>
public sealed class CudaEvent : SafeHandle
{
    private CudaEvent() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    public static CudaEvent Create()
    {
        var evt = new CudaEvent();
        CudaNative.cuEventCreate(out nint e, 0).Check("cuEventCreate");
        evt.SetHandle(e);
        return evt;
    }

    public void Record(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CudaNative.cuEventRecord(handle, stream.DangerousGetHandle()).Check("cuEventRecord");
    }

    public void Synchronize() => CudaNative.cuEventSynchronize(handle).Check("cuEventSynchronize");

    /// <summary>Milliseconds between two recorded events.</summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        CudaNative.cuEventElapsedTime(out float ms, start.handle, end.handle).Check("cuEventElapsedTime");
        return ms;
    }

    protected override bool ReleaseHandle() => CudaNative.cuEventDestroy(handle) == CudaResult.Success;
}
