using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>
/// Paged attention over the batch's block tables: the decode kernel when every sequence brings one new token (split-K
/// when the longest context passes the single-pass kernel's shared-memory bound), the prefill kernel otherwise.
/// </summary>
public sealed partial class CudaBackend
{
    public void Attention(DeviceBuffer q, IKvCache cache, int layer, AttentionBatch batch, int qHeads, float scale, int slidingWindow, DeviceBuffer output)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var c = (CudaKvCache)cache;
        var layout = c.Layout;
        int sequences = batch.SequenceCount;
        if (sequences == 0) return;
        int maxContext = 0, maxQueries = 0;
        for (int s = 0; s < sequences; s++)
        {
            maxContext = Math.Max(maxContext, batch.ContextLength[s]);
            maxQueries = Math.Max(maxQueries, batch.QueryStart[s + 1] - batch.QueryStart[s]);
        }
        int maxBlocks = batch.MaxBlocksPerSequence;
        nint blockTables = _blockTables.Upload(batch.BlockTables.AsSpan(0, sequences * maxBlocks));
        nint contextLengths = _contextLengths.Upload(batch.ContextLength.AsSpan(0, sequences));
        int qStride = qHeads * layout.HeadDim;
        if (maxQueries == 1 && batch.TokenCount == sequences)
        {
            // Decode plans for the batch's context bucket, not its exact longest context: shared memory and partitions
            // then stay the same from step to step within a bucket, which a captured graph needs (graphs are keyed by
            // the bucket); the kernels read each sequence's real length from the device.
            maxContext = Math.Max(maxContext, batch.PlannedContext(layout.BlockSize));
            // The single-pass kernel bounds the whole context (its logits sit in shared memory), window or not.
            if (maxContext <= PagedAttentionDecodeLaunch.MaxContext(layout.HeadDim))
            {
                PagedAttentionDecodeLaunch.Launch(_launcher, KernelDType.F32, c.CacheType, output.Pointer, q.Pointer, c.K(layer), c.V(layer),
                    blockTables, contextLengths, sequences, maxBlocks, qHeads, layout.NumKvHeads, layout.HeadDim, layout.BlockSize, scale,
                    slidingWindow, qStride, maxContext);
                return;
            }
            nint workspace = _splitWorkspace.Get(PagedAttentionDecodeSplitLaunch.WorkspaceBytes(sequences, qHeads, layout.HeadDim, maxContext, slidingWindow));
            PagedAttentionDecodeSplitLaunch.Launch(_launcher, KernelDType.F32, c.CacheType, output.Pointer, q.Pointer, c.K(layer), c.V(layer),
                blockTables, contextLengths, sequences, maxBlocks, qHeads, layout.NumKvHeads, layout.HeadDim, layout.BlockSize, scale,
                slidingWindow, qStride, maxContext, workspace);
            return;
        }
        PagedAttentionPrefillLaunch.Launch(_launcher, KernelDType.F32, c.CacheType, output.Pointer, q.Pointer, c.K(layer), c.V(layer),
            blockTables, _queryStarts.Upload(batch.QueryStart.AsSpan(0, sequences + 1)), contextLengths, sequences, maxQueries, maxBlocks,
            qHeads, layout.NumKvHeads, layout.HeadDim, layout.BlockSize, scale, slidingWindow, qStride);
    }
}
