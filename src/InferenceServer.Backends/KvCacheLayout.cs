using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends;

/// <summary>
/// Shape of the paged KV pool. Per layer, V holds [NumBlocks, NumKvHeads, BlockSize, HeadDim] floats and K holds
/// [NumBlocks, NumKvHeads, HeadDim, BlockSize]: head-major inside a block (as vLLM), and K transposed so the scores
/// of a whole block are vector FMAs over head dimensions, with no horizontal sums.
/// A token's slot is block * BlockSize + offset; the same slot index addresses every layer. Elements are fp32 or
/// bf16 (<see cref="DType"/>); offsets below count elements.
/// </summary>
public sealed record KvCacheLayout(int NumLayers, int NumBlocks, int BlockSize, int NumKvHeads, int HeadDim, TensorDType DType = TensorDType.F32)
{
    /// <summary>Bytes of one stored element.</summary>
    public int ElementBytes => DType switch
    {
        TensorDType.F32 => 4,
        TensorDType.BF16 => 2,
        _ => throw new NotSupportedException($"KV cache dtype {DType} (f32 and bf16 are supported)"),
    };

    /// <summary>Floats one token occupies in K (or V) of one layer, all heads.</summary>
    public int TokenStride => NumKvHeads * HeadDim;

    /// <summary>Floats of one head's run in a block.</summary>
    public int HeadBlockStride => BlockSize * HeadDim;

    /// <summary>Offset in floats of (slot, head) within a layer's V (row of HeadDim floats); in K, dimension d of
    /// the same (slot, head) is at <see cref="KeyOffset"/> + d * BlockSize.</summary>
    public long Offset(long slot, int kvHead)
    {
        long block = slot / BlockSize;
        return ((block * NumKvHeads + kvHead) * BlockSize + slot % BlockSize) * HeadDim;
    }

    /// <summary>Offset in floats of dimension 0 of (slot, head) within a layer's transposed K.</summary>
    public long KeyOffset(long slot, int kvHead)
    {
        long block = slot / BlockSize;
        return (block * NumKvHeads + kvHead) * BlockSize * HeadDim + slot % BlockSize;
    }

    /// <summary>Floats of K (or V) per layer.</summary>
    public long LayerElements => (long)NumBlocks * BlockSize * TokenStride;

    /// <summary>Total bytes of the pool (K and V, all layers).</summary>
    public long TotalBytes => LayerElements * 2 * NumLayers * ElementBytes;
}
