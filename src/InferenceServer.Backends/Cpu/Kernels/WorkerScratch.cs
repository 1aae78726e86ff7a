using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// One growable, 64-byte-aligned float buffer per worker thread, for a kernel's per-item scratch. Each worker only
/// touches its own slot, so no locking; a buffer grows only when an operand's shape needs more, so steady-state runs
/// allocate nothing.
/// </summary>
public sealed unsafe class WorkerScratch : IDisposable
{
    private readonly nint[] _buffers;
    private readonly long[] _capacity;

    public WorkerScratch(int workers)
    {
        _buffers = new nint[workers];
        _capacity = new long[workers];
    }

    /// <summary>The buffer of <paramref name="worker"/>, at least <paramref name="floats"/> long (contents undefined).</summary>
    public float* Get(int worker, long floats)
    {
        if (_capacity[worker] < floats)
        {
            if (_buffers[worker] != 0) NativeMemory.AlignedFree((void*)_buffers[worker]);
            _buffers[worker] = (nint)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
            _capacity[worker] = floats;
        }
        return (float*)_buffers[worker];
    }

    public void Dispose()
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i] != 0) NativeMemory.AlignedFree((void*)_buffers[i]);
            _buffers[i] = 0;
            _capacity[i] = 0;
        }
    }
}
