namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>The argument runs every paged-attention kernel shares, in the order their signatures declare them.</summary>
internal static class PagedAttentionArguments
{
    /// <summary>q, the K and V pools, and the block tables.</summary>
    public static void AddCache(ref KernelArguments args, nint q, nint kCache, nint vCache, nint blockTables)
    {
        args.Add(q);
        args.Add(kCache);
        args.Add(vCache);
        args.Add(blockTables);
    }

    /// <summary>Context lengths and the shape, scale, window and q row stride.</summary>
    public static void AddShape(ref KernelArguments args, nint contextLengths, int maxBlocksPerSequence, int qHeads, int kvHeads, int headDim, int blockSize, float scale, int slidingWindow, int qStride)
    {
        args.Add(contextLengths);
        args.Add(maxBlocksPerSequence);
        args.Add(qHeads);
        args.Add(kvHeads);
        args.Add(headDim);
        args.Add(blockSize);
        args.Add(scale);
        args.Add(slidingWindow);
        args.Add(qStride);
    }
}
