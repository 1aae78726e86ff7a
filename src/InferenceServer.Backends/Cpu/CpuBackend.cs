using System.Runtime.InteropServices;
using InferenceServer.Backends.Cpu.Kernels;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Backends.Cpu.Threading;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Quantization;
using InferenceServer.Models.Weights;

namespace InferenceServer.Backends.Cpu;

/// <summary>
/// The CPU backend: C# SIMD kernels for the CPU's instruction set (AVX-512, AVX2, ARM64 NEON, or portable 128-bit
/// vectors; chosen once at construction) spread over a fixed worker pool. It is what runs on machines without a
/// GPU and the reference the CUDA kernels are checked against.
/// </summary>
public sealed unsafe partial class CpuBackend : IComputeBackend
{
    private readonly CpuWorkerPool _pool;
    private readonly List<nint> _allocations = [];
    private readonly List<CpuWeight> _weights = [];
    private readonly Scratch _scratch;
    private readonly CpuKernels _kernels;

    /// <summary>
    /// A backend on <paramref name="threads"/> threads (0: one per processor) running the kernels of
    /// <paramref name="isa"/> (default: the fastest path this CPU and runtime support, <see cref="CpuIsaSupport.Best"/>).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The CPU cannot run <paramref name="isa"/>.</exception>
    public CpuBackend(int threads = 0, CpuIsa? isa = null)
    {
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        _kernels = CpuKernels.Create(isa ?? CpuIsaSupport.Best, Threads);
        _pool = new CpuWorkerPool(Threads);
        _scratch = new Scratch(Threads);
    }

    public string Name => "cpu";

    /// <summary>None of its own: weights and the KV pool are host memory.</summary>
    public DeviceMemory? Memory() => null;

    /// <summary>Threads kernels run on, the caller included.</summary>
    public int Threads { get; }

    /// <summary>The instruction-set path the kernels run.</summary>
    public CpuIsa Isa => _kernels.Isa;

    /// <summary>The instructions the path uses, e.g. <c>avx2+fma</c>.</summary>
    public string Instructions => _kernels.Description;

    /// <summary>What the path uses and on how many threads, as the startup line shows it: <c>cpu: avx2+fma, 2 threads</c>.</summary>
    public string Description => $"cpu: {Instructions}, {Threads} threads";

    /// <summary>Whether Q8_0 matmuls of <paramref name="rows"/> rows quantize activations to int8 on this path (else weights are dequantized to float).</summary>
    public bool QuantizesActivations(int rows) => _kernels.Int8Q8_0(rows);

    public IDeviceWeight LoadWeight(WeightTensor tensor, TensorDType storage)
    {
        var layout = WeightLayout.Of(tensor, storage);
        int rows = layout.Rows, cols = layout.Columns;
        storage = layout.Storage;
        if (!layout.IsVector && cols % 32 != 0)
            throw new ArgumentException($"{tensor.Name}: the CPU backend needs rows of a multiple of 32 values, got {cols}");
        layout.RequireWholeQ8Blocks(tensor.Name);

        CpuWeight weight;
        if (tensor.DType == storage)
        {
            weight = new CpuWeight(tensor.Name, storage, rows, cols, tensor.Data, owned: false);
        }
        else
        {
            byte* dst = (byte*)NativeMemory.AlignedAlloc((nuint)(layout.RowBytes * rows), 64);
            TensorCodec.ConvertRows(tensor.Data, tensor.DType, dst, storage, rows, cols, new float[cols]);
            weight = new CpuWeight(tensor.Name, storage, rows, cols, dst, owned: true);
        }
        lock (_weights) _weights.Add(weight);
        return weight;
    }

    public DeviceBuffer Allocate(long elements)
    {
        nuint bytes = (nuint)(Math.Max(1, elements) * sizeof(float));
        void* p = NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(p, bytes);
        lock (_allocations) _allocations.Add((nint)p);
        return new DeviceBuffer((nint)p, elements);
    }

    public void Free(DeviceBuffer buffer)
    {
        lock (_allocations)
        {
            if (_allocations.Remove(buffer.Pointer)) NativeMemory.AlignedFree((void*)buffer.Pointer);
        }
    }

    public IKvCache AllocateKvCache(KvCacheLayout layout) => new CpuKvCache(layout);

    public void Embedding(ReadOnlySpan<int> ids, IDeviceWeight table, DeviceBuffer y)
    {
        var w = (CpuWeight)table;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)w.Rows) throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} outside the vocabulary of {w.Rows}");
            TensorCodec.Decode(new ReadOnlySpan<byte>(w.Data + id * w.RowBytes, (int)w.RowBytes), w.DType, new Span<float>((float*)y.Pointer + (long)i * w.Columns, w.Columns));
        }
    }

    public void RmsNorm(DeviceBuffer x, IDeviceWeight weight, float eps, int rows, int dim, DeviceBuffer y)
        => _kernels.RmsNorm((float*)x.Pointer, ((CpuWeight)weight).Floats, eps, rows, dim, (float*)y.Pointer);

    public void Rope(DeviceBuffer q, DeviceBuffer k, ReadOnlySpan<int> positions, int qHeads, int kvHeads, int headDim, RopeTable table)
    {
        _kernels.Rope((float*)q.Pointer, positions.Length, qHeads, headDim, positions, table);
        _kernels.Rope((float*)k.Pointer, positions.Length, kvHeads, headDim, positions, table);
    }

    public void WriteKv(IKvCache cache, int layer, DeviceBuffer k, DeviceBuffer v, ReadOnlySpan<int> slotMapping)
    {
        var c = (CpuKvCache)cache;
        if (c.Layout.DType == TensorDType.BF16) WriteKv<BF16Kv>(c, layer, (float*)k.Pointer, (float*)v.Pointer, slotMapping);
        else WriteKv<F32Kv>(c, layer, (float*)k.Pointer, (float*)v.Pointer, slotMapping);
    }

    private static void WriteKv<TKv>(CpuKvCache c, int layer, float* k, float* v, ReadOnlySpan<int> slotMapping) where TKv : struct, IKvElements
    {
        var layout = c.Layout;
        int hd = layout.HeadDim, stride = layout.TokenStride;
        void* kc = c.K(layer), vc = c.V(layer);
        for (int t = 0; t < slotMapping.Length; t++)
        {
            int slot = slotMapping[t];
            if (slot < 0) continue;
            for (int h = 0; h < layout.NumKvHeads; h++)
            {
                long src = (long)t * stride + h * hd;
                long vDst = layout.Offset(slot, h), kDst = layout.KeyOffset(slot, h);
                for (int d = 0; d < hd; d++)
                {
                    TKv.Store(vc, vDst + d, v[src + d]);
                    TKv.Store(kc, kDst + (long)d * layout.BlockSize, k[src + d]);
                }
            }
        }
    }

    public void Attention(DeviceBuffer q, IKvCache cache, int layer, AttentionBatch batch, int qHeads, float scale, int slidingWindow, DeviceBuffer output)
        => _kernels.Attention(_pool, _scratch, (float*)q.Pointer, (CpuKvCache)cache, layer, batch, qHeads, scale, slidingWindow, (float*)output.Pointer);

    public void SiluMul(DeviceBuffer gate, DeviceBuffer up, int rows, int inter, DeviceBuffer output)
        => _kernels.SiluMul((float*)gate.Pointer, (float*)up.Pointer, (float*)output.Pointer, (long)rows * inter);

    public void GatherRows(DeviceBuffer source, ReadOnlySpan<int> rows, int width, DeviceBuffer destination)
    {
        long bytes = (long)width * sizeof(float);
        for (int i = 0; i < rows.Length; i++)
            Buffer.MemoryCopy((float*)source.Pointer + (long)rows[i] * width, (float*)destination.Pointer + (long)i * width, bytes, bytes);
    }

    public void Add(DeviceBuffer a, DeviceBuffer b, long count)
        => _kernels.Add((float*)a.Pointer, (float*)b.Pointer, count);

    public void CopyToHost(DeviceBuffer source, Span<float> destination)
        => new ReadOnlySpan<float>((void*)source.Pointer, destination.Length).CopyTo(destination);

    public void CopyFromHost(ReadOnlySpan<float> source, DeviceBuffer destination)
        => source.CopyTo(new Span<float>((void*)destination.Pointer, source.Length));

    public void Dispose()
    {
        _pool.Dispose();
        _scratch.Dispose();
        _kernels.Dispose();
        lock (_weights)
        {
            foreach (var w in _weights) w.Dispose();
            _weights.Clear();
        }
        lock (_allocations)
        {
            foreach (var p in _allocations) NativeMemory.AlignedFree((void*)p);
            _allocations.Clear();
        }
    }
}
