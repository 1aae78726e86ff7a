namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches paged_attention_prefill_*: causal attention of a varlen batch of new-token chunks over the paged KV cache
/// (cached prefix plus the chunk itself, already written), laid out as <see cref="AttentionBatch"/>: int32 query starts
/// [sequences + 1], context lengths, block tables. Output rows follow the query rows: [tokens, q_heads, head_dim].
/// </summary>
public static class PagedAttentionPrefillLaunch
{
    /// <summary>Query rows per block (the kernel's PREFILL_TILE_M).</summary>
    public const int TileQueries = 16;

    /// <summary>Key positions staged per step (the kernel's PREFILL_TILE_N).</summary>
    public const int TileKeys = 16;

    /// <summary>Threads per block: eight per query row of the tile (the kernel requires exactly this).</summary>
    public const int Threads = 128;

    /// <summary>Dynamic shared memory: q and output tiles, K and V tiles, one tile of probabilities, as floats.</summary>
    public static int SharedBytes(int headDim) => (2 * TileQueries * headDim + 2 * TileKeys * headDim + TileQueries * TileKeys) * sizeof(float);

    public static void Launch(IKernelLauncher launcher, KernelDType input, KernelDType cache, nint output, nint q, nint kCache, nint vCache,
        nint blockTables, nint queryStarts, nint contextLengths, int sequences, int maxQueriesPerSequence, int maxBlocksPerSequence, int qHeads,
        int kvHeads, int headDim, int blockSize, float scale, int slidingWindow, int qStride)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (qHeads % kvHeads != 0) throw new ArgumentException($"{qHeads} query heads do not group over {kvHeads} KV heads");
        if (sequences == 0 || maxQueriesPerSequence == 0) return;
        var args = new KernelArguments();
        args.Add(output);
        PagedAttentionArguments.AddCache(ref args, q, kCache, vCache, blockTables);
        args.Add(queryStarts);
        PagedAttentionArguments.AddShape(ref args, contextLengths, maxBlocksPerSequence, qHeads, kvHeads, headDim, blockSize, scale, slidingWindow, qStride);
        var grid = new Dim3((uint)((maxQueriesPerSequence + TileQueries - 1) / TileQueries), (uint)sequences, (uint)qHeads);
        launcher.Launch(LaunchShapes.PairedName("paged_attention_prefill", input, cache), new LaunchConfig(grid, Threads, SharedBytes(headDim)), ref args);
    }
}
