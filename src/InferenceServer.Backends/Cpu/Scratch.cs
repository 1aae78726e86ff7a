using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cpu;

/// <summary>
/// Grow-only native scratch buffers of the CPU backend. They grow only when a larger shape is seen for the first
/// time, so steady-state steps allocate nothing.
/// </summary>
internal sealed unsafe class Scratch : IDisposable
{
    private readonly int _threads;
    private readonly float*[] _scores;
    private long _scoreCapacity;
    private readonly float*[] _widened;
    private long _widenedCapacity;
    private readonly GrowBuffer _quantized = new();
    private readonly GrowBuffer _scales = new();

    public Scratch(int threads)
    {
        _threads = threads;
        _scores = new float*[threads];
        _widened = new float*[threads];
    }

    public float*[] Scores(long floats) => PerThread(_scores, ref _scoreCapacity, floats);

    /// <summary>Per thread, fp32 room for the K and V runs an attention tile widens.</summary>
    public float*[] Widened(long floats) => PerThread(_widened, ref _widenedCapacity, floats);

    public sbyte* QuantizedActivations(long count) => (sbyte*)_quantized.Ensure(count);

    public float* ActivationScales(long floats) => (float*)_scales.Ensure(floats * 4);

    private float*[] PerThread(float*[] buffers, ref long capacity, long floats)
    {
        if (floats > capacity)
        {
            long grown = Math.Max(floats, capacity * 2);
            for (int i = 0; i < _threads; i++)
            {
                if (buffers[i] != null) NativeMemory.AlignedFree(buffers[i]);
                buffers[i] = (float*)NativeMemory.AlignedAlloc((nuint)(grown * 4), 64);
            }
            capacity = grown;
        }
        return buffers;
    }

    public void Dispose()
    {
        for (int i = 0; i < _threads; i++)
        {
            if (_scores[i] != null) NativeMemory.AlignedFree(_scores[i]);
            _scores[i] = null;
            if (_widened[i] != null) NativeMemory.AlignedFree(_widened[i]);
            _widened[i] = null;
        }
        _quantized.Dispose();
        _scales.Dispose();
    }
}

/// <summary>One native buffer that only grows.</summary>
internal sealed unsafe class GrowBuffer : IDisposable
{
    private void* _pointer;
    private long _capacity;

    public void* Ensure(long bytes)
    {
        if (bytes > _capacity)
        {
            long grown = Math.Max(bytes, _capacity * 2);
            if (_pointer != null) NativeMemory.AlignedFree(_pointer);
            _pointer = NativeMemory.AlignedAlloc((nuint)grown, 64);
            _capacity = grown;
        }
        return _pointer;
    }

    public void Dispose()
    {
        if (_pointer != null) NativeMemory.AlignedFree(_pointer);
        _pointer = null;
        _capacity = 0;
    }
}
