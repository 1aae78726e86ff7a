namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches split-K decode attention (vLLM's v2): paged_attention_decode_partition_* over partitions of
/// <see cref="DefaultPartitionSize"/> positions, then paged_attention_decode_reduce_*, so the context is not bounded by
/// shared memory. Same inputs and output as <see cref="PagedAttentionDecodeLaunch"/> plus an fp32 workspace.
/// </summary>
public static class PagedAttentionDecodeSplitLaunch
{
    /// <summary>Positions per partition, as vLLM's v2 kernel: long enough to amortise the reduce, short enough that
    /// a batch of short contexts still fills the GPU with (head, sequence, partition) blocks.</summary>
    public const int DefaultPartitionSize = 512;

    /// <summary>Partitions covering a context (after the sliding window) of <paramref name="maxContext"/> positions.</summary>
    public static int Partitions(int maxContext, int slidingWindow, int partitionSize = DefaultPartitionSize)
    {
        int window = slidingWindow > 0 ? Math.Min(slidingWindow, maxContext) : maxContext;
        return Math.Max(1, (window + partitionSize - 1) / partitionSize);
    }

    /// <summary>Bytes of workspace a launch needs: per (sequence, head, partition) an output row, a max and a sum, fp32.</summary>
    public static long WorkspaceBytes(int sequences, int qHeads, int headDim, int maxContext, int slidingWindow, int partitionSize = DefaultPartitionSize)
        => (long)sequences * qHeads * Partitions(maxContext, slidingWindow, partitionSize) * (headDim + 2) * sizeof(float);

    public static void Launch(IKernelLauncher launcher, KernelDType input, KernelDType cache, nint output, nint q, nint kCache, nint vCache,
        nint blockTables, nint contextLengths, int sequences, int maxBlocksPerSequence, int qHeads, int kvHeads, int headDim, int blockSize,
        float scale, int slidingWindow, int qStride, int maxContext, nint workspace, int partitionSize = DefaultPartitionSize)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (qHeads % kvHeads != 0) throw new ArgumentException($"{qHeads} query heads do not group over {kvHeads} KV heads");
        if (partitionSize < 1 || partitionSize > PagedAttentionDecodeLaunch.MaxContext(headDim))
            throw new ArgumentOutOfRangeException(nameof(partitionSize), partitionSize, $"a partition must fit the single-pass kernel's {PagedAttentionDecodeLaunch.MaxContext(headDim)} positions");
        if (sequences == 0) return;
        int partitions = Partitions(maxContext, slidingWindow, partitionSize);
        long rows = (long)sequences * qHeads * partitions;
        nint partialOut = workspace, maxLogits = workspace + checked((nint)(rows * headDim * sizeof(float))), expSums = maxLogits + checked((nint)(rows * sizeof(float)));

        var args = new KernelArguments();
        args.Add(partialOut);
        args.Add(maxLogits);
        args.Add(expSums);
        PagedAttentionArguments.AddCache(ref args, q, kCache, vCache, blockTables);
        PagedAttentionArguments.AddShape(ref args, contextLengths, maxBlocksPerSequence, qHeads, kvHeads, headDim, blockSize, scale, slidingWindow, qStride);
        args.Add(partitionSize);
        var grid = new Dim3((uint)qHeads, (uint)sequences, (uint)partitions);
        launcher.Launch(LaunchShapes.PairedName("paged_attention_decode_partition", input, cache),
            new LaunchConfig(grid, PagedAttentionDecodeLaunch.Threads, PagedAttentionDecodeLaunch.SharedBytes(headDim, partitionSize)), ref args);

        var reduce = new KernelArguments();
        reduce.Add(output);
        reduce.Add(partialOut);
        reduce.Add(maxLogits);
        reduce.Add(expSums);
        reduce.Add(contextLengths);
        reduce.Add(qHeads);
        reduce.Add(headDim);
        reduce.Add(slidingWindow);
        reduce.Add(partitionSize);
        reduce.Add(partitions);
        launcher.Launch("paged_attention_decode_reduce_" + input.Suffix(),
            new LaunchConfig(new Dim3((uint)qHeads, (uint)sequences), PagedAttentionDecodeLaunch.Threads, partitions * sizeof(float)), ref reduce);
    }
}
