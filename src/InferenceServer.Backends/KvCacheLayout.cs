namespace InferenceServer.Backends;

/// <summary>
/// Shape of the paged KV pool: per layer, K and V each hold [NumBlocks, BlockSize, NumKvHeads, HeadDim] floats.
/// A token's slot is block * BlockSize + offset; the same slot index addresses every layer.
/// </summary>
public sealed record KvCacheLayout(int NumLayers, int NumBlocks, int BlockSize, int NumKvHeads, int HeadDim)
{
    /// <summary>Floats one token occupies in K (or V) of one layer.</summary>
    public int TokenStride => NumKvHeads * HeadDim;

    /// <summary>Floats of K (or V) per layer.</summary>
    public long LayerElements => (long)NumBlocks * BlockSize * TokenStride;

    /// <summary>Total bytes of the pool (K and V, all layers, fp32).</summary>
    public long TotalBytes => LayerElements * 2 * NumLayers * sizeof(float);
}
