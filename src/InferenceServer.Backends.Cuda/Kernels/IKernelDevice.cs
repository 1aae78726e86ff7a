namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Where kernels run and their buffers live: a GPU through the driver API, or host memory under the emulation.</summary>
public interface IKernelDevice : IDisposable
{
    /// <summary>Short name for logs and test names ("emulation", "gpu").</summary>
    string Name { get; }

    IKernelLauncher Launcher { get; }

    /// <summary>Allocates <paramref name="bytes"/> of device memory, 256-byte aligned (vector loads need 16).</summary>
    nint Allocate(long bytes);

    void Free(nint pointer);

    /// <summary>Sets <paramref name="bytes"/> bytes of device memory to zero.</summary>
    void Zero(nint pointer, long bytes);

    /// <summary>Host memory of <paramref name="bytes"/> for asynchronous copies to the device (page-locked on a GPU).</summary>
    IStagingBuffer AllocateStaging(long bytes);

    /// <summary>Copies host data to device memory.</summary>
    void Upload<T>(ReadOnlySpan<T> source, nint destination) where T : unmanaged;

    /// <summary>Copies device memory to the host, after waiting for pending launches.</summary>
    void Download<T>(nint source, Span<T> destination) where T : unmanaged;

    /// <summary>Dense GEMMs on this device's memory: cuBLAS on a GPU, a host loop under the emulation.</summary>
    IDenseGemm Gemm { get; }

    /// <summary>Free and total bytes of device memory, or null where memory is the host's (the emulation).</summary>
    DeviceMemory? Memory();

    /// <summary>
    /// Records the launches and GEMMs <paramref name="body"/> issues into a graph instead of running them (CUDA stream
    /// capture). Copies, allocations and synchronisation inside are errors, as on a GPU; on failure nothing is kept.
    /// </summary>
    Graphs.ICapturedGraph Capture(Action body);
}
