using System.Runtime.InteropServices;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends.Cpu;

/// <summary>A weight as the CPU backend holds it: the mapped bytes, or a converted native copy it owns.</summary>
public sealed unsafe class CpuWeight : IDeviceWeight, IDisposable
{
    private byte* _owned;

    public CpuWeight(string name, TensorDType dtype, int rows, int columns, byte* data, bool owned)
    {
        Name = name;
        DType = dtype;
        Rows = rows;
        Columns = columns;
        Data = data;
        RowBytes = dtype.RowBytes(columns);
        if (owned) _owned = data;
    }

    public string Name { get; }
    public TensorDType DType { get; }
    public int Rows { get; }
    public int Columns { get; }
    public byte* Data { get; }
    public long RowBytes { get; }

    /// <summary>Bytes a full pass over this weight reads.</summary>
    public long ByteLength => RowBytes * Rows;

    public float* Floats => (float*)Data;

    public void Dispose()
    {
        if (_owned != null)
        {
            NativeMemory.AlignedFree(_owned);
            _owned = null;
        }
    }
}
