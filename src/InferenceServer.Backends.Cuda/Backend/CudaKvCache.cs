using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>The paged KV pool in device memory, allocated once: per layer one K and one V array as <see cref="KvCacheLayout"/> lays them out.</summary>
public sealed class CudaKvCache : IKvCache
{
    private readonly IKernelDevice _device;
    private readonly nint[] _k;
    private readonly nint[] _v;

    internal CudaKvCache(IKernelDevice device, KvCacheLayout layout)
    {
        _device = device;
        Layout = layout;
        // KvCacheLayout admits f32 and bf16 only, both kernel types.
        CacheType = KernelDTypeExtensions.FromTensor(layout.DType);
        _k = new nint[layout.NumLayers];
        _v = new nint[layout.NumLayers];
        long bytes = layout.LayerElements * layout.ElementBytes;
        try
        {
            for (int l = 0; l < layout.NumLayers; l++)
            {
                _k[l] = device.Allocate(bytes);
                _v[l] = device.Allocate(bytes);
                device.Zero(_k[l], bytes);
                device.Zero(_v[l], bytes);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public KvCacheLayout Layout { get; }

    /// <summary>The element type of K and V.</summary>
    public KernelDType CacheType { get; }

    public nint K(int layer) => _k[layer];

    public nint V(int layer) => _v[layer];

    public void Dispose()
    {
        for (int l = 0; l < _k.Length; l++)
        {
            if (_k[l] != 0) _device.Free(_k[l]);
            if (_v[l] != 0) _device.Free(_v[l]);
            _k[l] = _v[l] = 0;
        }
    }
}
