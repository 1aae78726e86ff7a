using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>A stream: launches and copies on it run in order, asynchronously to the host.</summary>
public sealed class CudaStream : SafeHandle
{
    private CudaStream() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Creates a non-blocking stream (it does not synchronise with the legacy default stream).</summary>
    public static CudaStream Create()
    {
        const uint NonBlocking = 1;
        var stream = new CudaStream();
        CudaNative.cuStreamCreate(out nint s, NonBlocking).Check("cuStreamCreate");
        stream.SetHandle(s);
        return stream;
    }

    /// <summary>Waits for everything queued on the stream; a kernel failure surfaces here.</summary>
    public void Synchronize() => CudaNative.cuStreamSynchronize(handle).Check("cuStreamSynchronize");

    protected override bool ReleaseHandle() => CudaNative.cuStreamDestroy(handle) == CudaResult.Success;
}
