using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Backends.Graphs;

namespace InferenceServer.Backends.Cuda.Emulation;

/// <summary>The emulation as a device: "device memory" is 256-byte aligned host memory, kernels run on the CPU.</summary>
public sealed unsafe class EmulatedDevice : IKernelDevice
{
    private readonly HashSet<nint> _allocations = [];
    private readonly CaptureRecorder _recorder;

    public EmulatedDevice(KernelEmulator emulator)
    {
        _recorder = new CaptureRecorder(emulator, new HostGemm());
    }

    public string Name => "emulation";

    public IKernelLauncher Launcher => _recorder;

    public nint Allocate(long bytes)
    {
        _recorder.Forbid("cuMemAlloc");
        void* p = NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes), 256);
        lock (_allocations) _allocations.Add((nint)p);
        return (nint)p;
    }

    public void Free(nint pointer)
    {
        _recorder.Forbid("cuMemFree");
        lock (_allocations)
        {
            if (_allocations.Remove(pointer)) NativeMemory.AlignedFree((void*)pointer);
        }
    }

    public void Zero(nint pointer, long bytes)
    {
        _recorder.Forbid("cuMemsetD8Async");
        NativeMemory.Clear((void*)pointer, (nuint)bytes);
    }

    public IStagingBuffer AllocateStaging(long bytes)
    {
        _recorder.Forbid("cuMemHostAlloc");
        return new HostStagingBuffer(this, bytes);
    }

    public void Upload<T>(ReadOnlySpan<T> source, nint destination) where T : unmanaged
    {
        // A copy from pageable host memory cannot be captured on a GPU either.
        _recorder.Forbid("cuMemcpyHtoDAsync");
        source.CopyTo(new Span<T>((void*)destination, source.Length));
    }

    public void Download<T>(nint source, Span<T> destination) where T : unmanaged
    {
        _recorder.Forbid("cuMemcpyDtoHAsync");
        new ReadOnlySpan<T>((void*)source, destination.Length).CopyTo(destination);
    }

    public IDenseGemm Gemm => _recorder;

    public ICapturedGraph Capture(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _recorder.Begin();
        try
        {
            body();
        }
        catch
        {
            _recorder.End();
            throw;
        }
        return new EmulatedGraph(_recorder.End());
    }

    /// <summary>Null: "device" memory is host memory, budgeted as the CPU backend budgets it.</summary>
    public DeviceMemory? Memory() => null;

    public void Dispose()
    {
        lock (_allocations)
        {
            foreach (var p in _allocations) NativeMemory.AlignedFree((void*)p);
            _allocations.Clear();
        }
    }
}
