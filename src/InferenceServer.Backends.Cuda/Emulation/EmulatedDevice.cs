using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Emulation;

/// <summary>The emulation as a device: "device memory" is 256-byte aligned host memory, kernels run on the CPU.</summary>
public sealed unsafe class EmulatedDevice : IKernelDevice
{
    private readonly HashSet<nint> _allocations = [];
    private readonly KernelEmulator _emulator;

    public EmulatedDevice(KernelEmulator emulator)
    {
        _emulator = emulator;
    }

    public string Name => "emulation";

    public IKernelLauncher Launcher => _emulator;

    public nint Allocate(long bytes)
    {
        void* p = NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes), 256);
        lock (_allocations) _allocations.Add((nint)p);
        return (nint)p;
    }

    public void Free(nint pointer)
    {
        lock (_allocations)
        {
            if (_allocations.Remove(pointer)) NativeMemory.AlignedFree((void*)pointer);
        }
    }

    public void Zero(nint pointer, long bytes) => NativeMemory.Clear((void*)pointer, (nuint)bytes);

    public void Upload<T>(ReadOnlySpan<T> source, nint destination) where T : unmanaged
        => source.CopyTo(new Span<T>((void*)destination, source.Length));

    public void Download<T>(nint source, Span<T> destination) where T : unmanaged
        => new ReadOnlySpan<T>((void*)source, destination.Length).CopyTo(destination);

    public IDenseGemm Gemm { get; } = new HostGemm();

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
