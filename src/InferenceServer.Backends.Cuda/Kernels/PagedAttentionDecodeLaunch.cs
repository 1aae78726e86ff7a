namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches paged_attention_decode_* (single pass): one block per (query head, sequence), one new token per sequence,
/// over the block tables of <see cref="AttentionBatch"/> (int32 [sequences, maxBlocksPerSequence]) and context lengths.
/// All logits sit in shared memory, so the longest context is bounded by <see cref="MaxContext"/>.
/// </summary>
public static class PagedAttentionDecodeLaunch
{
    /// <summary>Threads per block: four warps, as vLLM's decode kernel.</summary>
    public const int Threads = 128;

    /// <summary>Dynamic shared memory without opting in to more (cuFuncSetAttribute).</summary>
    public const int DefaultSharedLimit = 48 * 1024;

    /// <summary>Bytes of dynamic shared memory for a context of <paramref name="maxContext"/> (the kernel's layout: q, per-group partial outputs, logits).</summary>
    public static int SharedBytes(int headDim, int maxContext) => (headDim + Math.Max(1, Threads / headDim) * headDim + maxContext) * sizeof(float);

    /// <summary>Longest context one launch handles within <paramref name="sharedLimit"/> bytes.</summary>
    public static int MaxContext(int headDim, int sharedLimit = DefaultSharedLimit) => sharedLimit / sizeof(float) - headDim - Math.Max(1, Threads / headDim) * headDim;

    public static void Launch(IKernelLauncher launcher, KernelDType input, KernelDType cache, nint output, nint q, nint kCache, nint vCache,
        nint blockTables, nint contextLengths, int sequences, int maxBlocksPerSequence, int qHeads, int kvHeads, int headDim, int blockSize,
        float scale, int slidingWindow, int qStride, int maxContext)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (qHeads % kvHeads != 0) throw new ArgumentException($"{qHeads} query heads do not group over {kvHeads} KV heads");
        if (maxContext > MaxContext(headDim)) throw new NotSupportedException($"context {maxContext} exceeds the single-pass decode kernel's {MaxContext(headDim)} (use PagedAttentionDecodeSplitLaunch)");
        if (sequences == 0) return;
        var args = new KernelArguments();
        args.Add(output);
        PagedAttentionArguments.AddCache(ref args, q, kCache, vCache, blockTables);
        PagedAttentionArguments.AddShape(ref args, contextLengths, maxBlocksPerSequence, qHeads, kvHeads, headDim, blockSize, scale, slidingWindow, qStride);
        int window = slidingWindow > 0 ? Math.Min(slidingWindow, maxContext) : maxContext;
        var config = new LaunchConfig(new Dim3((uint)qHeads, (uint)sequences), Threads, SharedBytes(headDim, window));
        launcher.Launch(LaunchShapes.PairedName("paged_attention_decode", input, cache), config, ref args);
    }
}
