using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cpu;

/// <summary>The paged KV pool in host memory: per layer one K and one V array of [blocks, blockSize, kvHeads, headDim].</summary>
public sealed unsafe class CpuKvCache : IKvCache
{
    private readonly float*[] _k;
    private readonly float*[] _v;

    public CpuKvCache(KvCacheLayout layout)
    {
        Layout = layout;
        _k = new float*[layout.NumLayers];
        _v = new float*[layout.NumLayers];
        nuint bytes = (nuint)(layout.LayerElements * sizeof(float));
        for (int l = 0; l < layout.NumLayers; l++)
        {
            _k[l] = (float*)NativeMemory.AlignedAlloc(bytes, 64);
            _v[l] = (float*)NativeMemory.AlignedAlloc(bytes, 64);
            NativeMemory.Clear(_k[l], bytes);
            NativeMemory.Clear(_v[l], bytes);
        }
    }

    public KvCacheLayout Layout { get; }

    public float* K(int layer) => _k[layer];
    public float* V(int layer) => _v[layer];

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
