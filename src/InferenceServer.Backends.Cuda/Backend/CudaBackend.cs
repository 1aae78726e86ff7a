using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Quantization;
using InferenceServer.Models.Weights;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>
/// The CUDA backend: every op a launch of our kernels (kernels/) or a cuBLAS GEMM, on one device and one stream.
/// Activations stay fp32 in device memory; weights are uploaded once in their storage type (f32, f16, bf16, Q8_0);
/// per-step metadata (ids, positions, slots, block tables) is uploaded once per step. The same class runs on a GPU
/// (<see cref="Driver.GpuDevice"/>) and on the CPU emulation of the kernels (<see cref="Emulation.EmulatedDevice"/>),
/// which is how the whole path is tested on machines without a GPU.
/// </summary>
public sealed unsafe partial class CudaBackend : IComputeBackend
{
    private const int UploadChunkBytes = 16 << 20;

    private readonly IKernelDevice _device;
    private readonly bool _ownsDevice;
    private readonly IKernelLauncher _launcher;
    private readonly List<nint> _allocations = [];
    private readonly DeviceArray<int> _ids, _positions, _slots, _rows, _blockTables, _contextLengths, _queryStarts;
    private readonly DeviceScratch _halfActivations, _splitWorkspace, _argmaxTokens;
    private readonly Dictionary<RopeTable, (nint Cos, nint Sin)> _ropeTables = [];
    private float[] _gathered = [];

    /// <param name="device">Where kernels run; disposed with the backend when <paramref name="ownsDevice"/>.</param>
    /// <param name="maxLoraRank">Rank LoRA slots are sized for (at most 64).</param>
    public CudaBackend(IKernelDevice device, bool ownsDevice = true, int maxLoraRank = LoraLaunch.MaxRank)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (maxLoraRank is < 1 or > LoraLaunch.MaxRank) throw new ArgumentOutOfRangeException(nameof(maxLoraRank), maxLoraRank, $"LoRA ranks are 1 to {LoraLaunch.MaxRank}");
        _device = device;
        _ownsDevice = ownsDevice;
        _launcher = device.Launcher;
        _maxLoraRank = maxLoraRank;
        _ids = new(device, BuffersMoved);
        _positions = new(device, BuffersMoved);
        _slots = new(device, BuffersMoved);
        _rows = new(device, BuffersMoved);
        _blockTables = new(device, BuffersMoved);
        _contextLengths = new(device, BuffersMoved);
        _queryStarts = new(device, BuffersMoved);
        _loraRowSlots = new(device, BuffersMoved);
        _segmentStarts = new(device, BuffersMoved);
        _segmentSlots = new(device, BuffersMoved);
        _halfActivations = new(device, BuffersMoved);
        _splitWorkspace = new(device, BuffersMoved);
        _argmaxTokens = new(device, BuffersMoved);
        _loraT = new(device, BuffersMoved);
    }

    public string Name => "cuda";

    /// <summary>The device kernels run on.</summary>
    public IKernelDevice Device => _device;

    /// <summary>The GPU's memory; null under emulation, whose buffers are host memory.</summary>
    public DeviceMemory? Memory() => _device.Memory();

    public IDeviceWeight LoadWeight(WeightTensor tensor, TensorDType storage)
    {
        var layout = WeightLayout.Of(tensor, storage);
        int rows = layout.Rows, cols = layout.Columns;
        storage = layout.Storage;
        if (storage is not (TensorDType.F32 or TensorDType.F16 or TensorDType.BF16 or TensorDType.Q8_0))
            throw new NotSupportedException($"{tensor.Name}: the CUDA backend stores weights as f32, f16, bf16 or q8_0, not {storage}");
        layout.RequireWholeQ8Blocks(tensor.Name);

        long srcRowBytes = tensor.DType.RowBytes(cols), dstRowBytes = layout.RowBytes;
        nint pointer = AllocateTracked(dstRowBytes * rows);
        int rowsPerChunk = (int)Math.Clamp(UploadChunkBytes / Math.Max(1, dstRowBytes), 1, rows);
        var chunk = tensor.DType == storage ? [] : new byte[rowsPerChunk * dstRowBytes];
        var widened = tensor.DType == storage ? [] : new float[cols];
        for (int r0 = 0; r0 < rows; r0 += rowsPerChunk)
        {
            int n = Math.Min(rowsPerChunk, rows - r0);
            var rowsBytes = new ReadOnlySpan<byte>(tensor.Data + r0 * srcRowBytes, checked((int)(n * srcRowBytes)));
            if (tensor.DType != storage)
            {
                // Converted on the host in chunks, so no whole converted copy of a big matrix is ever held.
                fixed (byte* converted = chunk) TensorCodec.ConvertRows(tensor.Data + r0 * srcRowBytes, tensor.DType, converted, storage, n, cols, widened);
                rowsBytes = chunk.AsSpan(0, (int)(n * dstRowBytes));
            }
            _device.Upload(rowsBytes, pointer + (nint)(r0 * dstRowBytes));
        }
        return new CudaWeight(tensor, storage, rows, cols, pointer);
    }

    public DeviceBuffer Allocate(long elements)
    {
        long bytes = Math.Max(1, elements) * sizeof(float);
        nint p = AllocateTracked(bytes);
        _device.Zero(p, bytes);
        return new DeviceBuffer(p, elements);
    }

    public void Free(DeviceBuffer buffer) => FreeTracked(buffer.Pointer);

    public IKvCache AllocateKvCache(KvCacheLayout layout) => new CudaKvCache(_device, layout);

    public void Embedding(ReadOnlySpan<int> ids, IDeviceWeight table, DeviceBuffer y)
    {
        var w = (CudaWeight)table;
        foreach (int id in ids)
            if ((uint)id >= (uint)w.Rows) throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} outside the vocabulary of {w.Rows}");
        if (w.DType == TensorDType.F32)
        {
            EmbeddingLaunch.Launch(_launcher, KernelDType.F32, y.Pointer, w.Pointer, _ids.Upload(ids), ids.Length, w.Rows, w.Columns);
            return;
        }
        // Half and Q8_0 tables: the kernels gather in the activation type, so these rows are widened on the host from
        // the mapped file and uploaded in one copy ([tokens, hidden] floats per step).
        int count = ids.Length * w.Columns;
        if (_gathered.Length < count) _gathered = new float[count];
        for (int i = 0; i < ids.Length; i++) w.HostRow(ids[i], _gathered.AsSpan(i * w.Columns, w.Columns));
        _device.Upload<float>(_gathered.AsSpan(0, count), y.Pointer);
    }

    public void RmsNorm(DeviceBuffer x, IDeviceWeight weight, float eps, int rows, int dim, DeviceBuffer y)
        => RmsNormLaunch.RmsNorm(_launcher, KernelDType.F32, y.Pointer, x.Pointer, ((CudaWeight)weight).Pointer, eps, rows, dim);

    public void Rope(DeviceBuffer q, DeviceBuffer k, ReadOnlySpan<int> positions, int qHeads, int kvHeads, int headDim, RopeTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (int p in positions)
            if ((uint)p >= (uint)table.MaxPositions) throw new ArgumentOutOfRangeException(nameof(positions), $"position {p} outside the RoPE table of {table.MaxPositions}");
        var (cos, sin) = RopeTableOnDevice(table);
        RopeLaunch.Launch(_launcher, KernelDType.F32, q.Pointer, k.Pointer, _positions.Upload(positions), cos, sin, positions.Length,
            qHeads, kvHeads, headDim, table.RotaryDim, qHeads * headDim, kvHeads * headDim);
    }

    public void WriteKv(IKvCache cache, int layer, DeviceBuffer k, DeviceBuffer v, ReadOnlySpan<int> slotMapping)
    {
        var c = (CudaKvCache)cache;
        var layout = c.Layout;
        KvWriteLaunch.Launch(_launcher, KernelDType.F32, c.CacheType, c.K(layer), c.V(layer), k.Pointer, v.Pointer, _slots.Upload(slotMapping),
            slotMapping.Length, layout.TokenStride, layout.TokenStride, layout.NumKvHeads, layout.HeadDim, layout.BlockSize);
    }

    public void SiluMul(DeviceBuffer gate, DeviceBuffer up, int rows, int inter, DeviceBuffer output)
        => ActAndMulLaunch.SiluMul(_launcher, KernelDType.F32, output.Pointer, gate.Pointer, up.Pointer, rows, inter, inter, inter, inter);

    public void GatherRows(DeviceBuffer source, ReadOnlySpan<int> rows, int width, DeviceBuffer destination)
        => EmbeddingLaunch.Launch(_launcher, KernelDType.F32, destination.Pointer, source.Pointer, _rows.Upload(rows), rows.Length,
            checked((int)(source.Length / width)), width);

    public void Add(DeviceBuffer a, DeviceBuffer b, long count) => ElementwiseLaunch.Add(_launcher, a.Pointer, b.Pointer, count);

    public void CopyToHost(DeviceBuffer source, Span<float> destination) => _device.Download(source.Pointer, destination);

    public void CopyFromHost(ReadOnlySpan<float> source, DeviceBuffer destination) => _device.Upload(source, destination.Pointer);

    /// <summary>Waits for every queued launch (a kernel failure surfaces here or at the next copy).</summary>
    public void Synchronize() => _launcher.Synchronize();

    private (nint Cos, nint Sin) RopeTableOnDevice(RopeTable table)
    {
        if (_ropeTables.TryGetValue(table, out var uploaded)) return uploaded;
        nint cos = AllocateTracked((long)table.Cos.Length * sizeof(float)), sin = AllocateTracked((long)table.Sin.Length * sizeof(float));
        _device.Upload<float>(table.Cos, cos);
        _device.Upload<float>(table.Sin, sin);
        return _ropeTables[table] = (cos, sin);
    }

    private nint AllocateTracked(long bytes)
    {
        nint p = _device.Allocate(bytes);
        lock (_allocations) _allocations.Add(p);
        return p;
    }

    private void FreeTracked(nint pointer)
    {
        lock (_allocations)
        {
            if (_allocations.Remove(pointer)) _device.Free(pointer);
        }
    }

    public void Dispose()
    {
        try
        {
            _launcher.Synchronize();
        }
        finally
        {
            foreach (var d in new IDisposable[] { _ids, _positions, _slots, _rows, _blockTables, _contextLengths, _queryStarts, _loraRowSlots,
                _segmentStarts, _segmentSlots, _halfActivations, _splitWorkspace, _argmaxTokens, _loraT })
                d.Dispose();
            DisposeLoraSlots();
            lock (_allocations)
            {
                foreach (var p in _allocations) _device.Free(p);
                _allocations.Clear();
            }
            if (_ownsDevice) _device.Dispose();
        }
    }
}
