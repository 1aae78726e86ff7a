namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Host memory the device copies from without the host waiting (page-locked on a GPU): batch metadata is written
/// here and its copy queued on the stream; <see cref="WaitForCopy"/> before writing again.
/// </summary>
public interface IStagingBuffer : IDisposable
{
    /// <summary>Address of the host memory.</summary>
    nint Host { get; }

    long Bytes { get; }

    /// <summary>Queues a copy of the first <paramref name="bytes"/> to <paramref name="destination"/>, ordered with launches.</summary>
    void CopyTo(nint destination, long bytes);

    /// <summary>Waits until the last queued copy has read the buffer (usually long done).</summary>
    void WaitForCopy();
}
