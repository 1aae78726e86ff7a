using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cpu;

/// <summary>The paged KV pool in host memory: per layer one K and one V array laid out as <see cref="KvCacheLayout"/> says.</summary>
public sealed unsafe class CpuKvCache : IKvCache
{
    private readonly byte*[] _k;
    private readonly byte*[] _v;

    public CpuKvCache(KvCacheLayout layout)
    {
        Layout = layout;
        _k = new byte*[layout.NumLayers];
        _v = new byte*[layout.NumLayers];
        nuint bytes = (nuint)(layout.LayerElements * layout.ElementBytes);
        for (int l = 0; l < layout.NumLayers; l++)
        {
            _k[l] = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
            _v[l] = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
            NativeMemory.Clear(_k[l], bytes);
            NativeMemory.Clear(_v[l], bytes);
        }
    }

    public KvCacheLayout Layout { get; }

    /// <summary>Layer's K elements (float or bf16 bits as <see cref="KvCacheLayout.DType"/> says).</summary>
    public void* K(int layer) => _k[layer];

    /// <summary>Layer's V elements.</summary>
    public void* V(int layer) => _v[layer];

    public void Dispose()
    {
        for (int l = 0; l < _k.Length; l++)
        {
            if (_k[l] != null) NativeMemory.AlignedFree(_k[l]);
            if (_v[l] != null) NativeMemory.AlignedFree(_v[l]);
            _k[l] = null;
            _v[l] = null;
        }
    }
}
