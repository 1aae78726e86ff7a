using System.Runtime.InteropServices;
using InferenceServer.Backends;
using InferenceServer.Backends.Cpu;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>The C# CPU backend's ops over plain arrays: the reference every CUDA kernel is compared with.</summary>
internal sealed unsafe class CpuReference : IDisposable
{
    private readonly CpuBackend _cpu = new(threads: 1);
    private readonly List<nint> _native = [];

    public CpuBackend Backend => _cpu;

    public DeviceBuffer Buffer(float[] values)
    {
        var b = _cpu.Allocate(Math.Max(1, values.Length));
        _cpu.CopyFromHost(values, b);
        return b;
    }

    public float[] Read(DeviceBuffer b, int count)
    {
        var r = new float[count];
        _cpu.CopyToHost(b, r);
        return r;
    }

    /// <summary>A weight holding <paramref name="bytes"/> of <paramref name="dtype"/> as-is (rows × cols).</summary>
    public CpuWeight Weight(byte[] bytes, TensorDType dtype, int rows, int cols)
    {
        byte* p = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes.Length), 64);
        _native.Add((nint)p);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return new CpuWeight("reference", dtype, rows, cols, p, owned: false);
    }

    public float[] RmsNorm(float[] x, float[] weight, float eps, int rows, int dim)
    {
        var y = _cpu.Allocate((long)rows * dim);
        _cpu.RmsNorm(Buffer(x), Weight(MemoryMarshal.AsBytes(weight.AsSpan()).ToArray(), TensorDType.F32, 1, dim), eps, rows, dim, y);
        return Read(y, rows * dim);
    }

    public float[] Add(float[] a, float[] b)
    {
        var ba = Buffer(a);
        _cpu.Add(ba, Buffer(b), a.Length);
        return Read(ba, a.Length);
    }

    public float[] SiluMul(float[] gate, float[] up, int rows, int inter)
    {
        var o = _cpu.Allocate((long)rows * inter);
        _cpu.SiluMul(Buffer(gate), Buffer(up), rows, inter, o);
        return Read(o, rows * inter);
    }

    public (float[] Q, float[] K) Rope(float[] q, float[] k, int[] positions, int qHeads, int kvHeads, int headDim, RopeTable table)
    {
        DeviceBuffer bq = Buffer(q), bk = Buffer(k);
        _cpu.Rope(bq, bk, positions, qHeads, kvHeads, headDim, table);
        return (Read(bq, q.Length), Read(bk, k.Length));
    }

    public float[] Embedding(int[] ids, CpuWeight table)
    {
        var y = _cpu.Allocate((long)ids.Length * table.Columns);
        _cpu.Embedding(ids, table, y);
        return Read(y, ids.Length * table.Columns);
    }

    public void Dispose()
    {
        _cpu.Dispose();
        foreach (var p in _native) NativeMemory.AlignedFree((void*)p);
    }
}
