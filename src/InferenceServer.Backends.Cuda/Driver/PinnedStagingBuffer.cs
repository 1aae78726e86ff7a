using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>Page-locked host memory (cuMemHostAlloc) whose copies to the device are asynchronous, with an event marking the last one.</summary>
internal sealed class PinnedStagingBuffer : IStagingBuffer
{
    private readonly CudaContext _context;
    private readonly CudaStream _stream;
    private readonly CudaEvent _copied;
    private nint _host;

    public PinnedStagingBuffer(CudaContext context, CudaStream stream, long bytes)
    {
        _context = context;
        _stream = stream;
        context.EnsureCurrent();
        CudaNative.cuMemHostAlloc(out _host, (nuint)Math.Max(1, bytes), 0).Check($"cuMemHostAlloc({bytes})");
        _copied = CudaEvent.Create();
        Bytes = bytes;
    }

    public nint Host => _host;

    public long Bytes { get; }

    public void CopyTo(nint destination, long bytes)
    {
        _context.EnsureCurrent();
        unsafe
        {
            CudaNative.cuMemcpyHtoDAsync(destination, (void*)_host, (nuint)bytes, _stream.DangerousGetHandle()).Check("cuMemcpyHtoDAsync");
        }
        _copied.Record(_stream);
    }

    public void WaitForCopy()
    {
        _context.EnsureCurrent();
        _copied.Synchronize();
    }

    public void Dispose()
    {
        if (_host == 0) return;
        _context.EnsureCurrent();
        _copied.Dispose();
        CudaNative.cuMemFreeHost(_host);
        _host = 0;
    }
}
