using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Backends.Graphs;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>A CUDA GPU as an <see cref="IKernelDevice"/>: the primary context, the kernels fatbin, one stream.</summary>
public sealed unsafe class GpuDevice : IKernelDevice
{
    private readonly CudaContext _context;
    private readonly CudaModule _module;
    private readonly CudaStream _stream;
    private readonly DriverKernelLauncher _launcher;
    private readonly HashSet<nint> _allocations = [];
    private const long CublasWorkspaceBytes = 32 << 20; // NVIDIA's recommendation for Hopper
    private const int CaptureModeThreadLocal = 1; // CU_STREAM_CAPTURE_MODE_THREAD_LOCAL
    private CublasHandle? _cublas;
    private CublasGemm? _gemm;
    private nint _cublasWorkspace;

    private GpuDevice(CudaContext context, CudaModule module, CudaStream stream)
    {
        _context = context;
        _module = module;
        _stream = stream;
        _launcher = new DriverKernelLauncher(module, stream, context);
    }

    /// <summary>Opens device <paramref name="ordinal"/> and loads the fatbin at <paramref name="fatbinPath"/>.</summary>
    public static GpuDevice Open(string fatbinPath, int ordinal = 0)
    {
        var context = CudaContext.Create(ordinal);
        try
        {
            var module = CudaModule.Load(File.ReadAllBytes(fatbinPath));
            return new GpuDevice(context, module, CudaStream.Create());
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public string Name => "gpu";

    public CudaContext Context => _context;

    public IKernelLauncher Launcher => _launcher;

    /// <summary>The stream launches and copies go on (libraries such as cuBLAS join it to stay ordered with them).</summary>
    public CudaStream Stream => _stream;

    public nint Allocate(long bytes)
    {
        _context.EnsureCurrent();
        // cuMemAlloc returns 256-byte aligned memory.
        CudaNative.cuMemAlloc(out nint p, (nuint)Math.Max(1, bytes)).Check($"cuMemAlloc({bytes})");
        lock (_allocations) _allocations.Add(p);
        return p;
    }

    public void Free(nint pointer)
    {
        _context.EnsureCurrent();
        lock (_allocations)
        {
            if (_allocations.Remove(pointer)) CudaNative.cuMemFree(pointer).Check("cuMemFree");
        }
    }

    public void Zero(nint pointer, long bytes)
    {
        _context.EnsureCurrent();
        CudaNative.cuMemsetD8Async(pointer, 0, (nuint)bytes, _stream.DangerousGetHandle()).Check($"cuMemsetD8Async({bytes})");
    }

    public IStagingBuffer AllocateStaging(long bytes) => new PinnedStagingBuffer(_context, _stream, bytes);

    public void Upload<T>(ReadOnlySpan<T> source, nint destination) where T : unmanaged
    {
        _context.EnsureCurrent();
        fixed (T* p = source)
        {
            CudaNative.cuMemcpyHtoDAsync(destination, p, (nuint)(source.Length * sizeof(T)), _stream.DangerousGetHandle()).Check("cuMemcpyHtoDAsync");
            _stream.Synchronize(); // the host span may go away once we return
        }
    }

    public void Download<T>(nint source, Span<T> destination) where T : unmanaged
    {
        _context.EnsureCurrent();
        fixed (T* p = destination)
        {
            CudaNative.cuMemcpyDtoHAsync(p, source, (nuint)(destination.Length * sizeof(T)), _stream.DangerousGetHandle()).Check("cuMemcpyDtoHAsync");
            _stream.Synchronize();
        }
    }

    /// <summary>cuBLAS on this device's stream, created on first use (loading libcublas costs a second or so).</summary>
    public IDenseGemm Gemm
    {
        get
        {
            if (_gemm == null)
            {
                _context.EnsureCurrent();
                _cublas = CublasHandle.Create(_stream);
                CudaNative.cuMemAlloc(out _cublasWorkspace, (nuint)CublasWorkspaceBytes).Check("cuMemAlloc(cuBLAS workspace)");
                _cublas.SetWorkspace(_cublasWorkspace, CublasWorkspaceBytes);
                _gemm = new CublasGemm(_cublas, _context);
            }
            return _gemm;
        }
    }

    public ICapturedGraph Capture(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _context.EnsureCurrent();
        _ = Gemm; // cuBLAS and its workspace exist before capture: creating them inside would allocate
        nint stream = _stream.DangerousGetHandle();
        CudaNative.cuStreamBeginCapture(stream, CaptureModeThreadLocal).Check("cuStreamBeginCapture");
        nint graph;
        try
        {
            body();
        }
        catch
        {
            if (CudaNative.cuStreamEndCapture(stream, out graph) == CudaResult.Success && graph != 0) CudaNative.cuGraphDestroy(graph);
            throw;
        }
        CudaNative.cuStreamEndCapture(stream, out graph).Check("cuStreamEndCapture");
        try
        {
            CudaNative.cuGraphInstantiateWithFlags(out nint exec, graph, 0).Check("cuGraphInstantiateWithFlags");
            return new CudaGraph(exec, _stream, _context);
        }
        finally
        {
            CudaNative.cuGraphDestroy(graph);
        }
    }

    public DeviceMemory? Memory()
    {
        _context.EnsureCurrent();
        CudaNative.cuMemGetInfo(out nuint free, out nuint total).Check("cuMemGetInfo");
        return new DeviceMemory((long)free, (long)total);
    }

    public void Dispose()
    {
        _context.EnsureCurrent();
        _cublas?.Dispose();
        if (_cublasWorkspace != 0) CudaNative.cuMemFree(_cublasWorkspace);
        lock (_allocations)
        {
            foreach (var p in _allocations) CudaNative.cuMemFree(p);
            _allocations.Clear();
        }
        _stream.Dispose();
        _module.Dispose();
        _context.Dispose();
    }
}
