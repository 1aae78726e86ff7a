namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches the multi-LoRA kernels (lora.cu): BGMV for decode (int32 slot per row, -1 none) and SGMV for prefill
/// (segments of rows sharing a slot: int32 starts [segments + 1] and slots [segments]). Shrink writes the fp32
/// workspace t [rows, maxRank] (scaling applied); expand adds t·Bᵀ into y. Adapters are stacked per slot:
/// A [slots, maxRank, in], Bᵀ [slots, maxRank, out] in the activation type, int32 ranks and float scalings [slots].
/// </summary>
public static class LoraLaunch
{
    /// <summary>Largest rank the kernels take (the expand stages t rows of this many floats in shared memory).</summary>
    public const int MaxRank = 64;

    /// <summary>Threads per block: eight warps (shrink: one rank each; expand: one output feature per thread).</summary>
    public const int Threads = 256;

    /// <summary>Rows of a segment one SGMV block handles, sharing each weight load (the kernel's SGMV_ROWS).</summary>
    public const int SegmentTileRows = 8;

    public static void BgmvShrink(IKernelLauncher launcher, KernelDType dtype, nint t, nint x, nint a, nint ranks, nint scalings, nint rowSlots,
        int rows, int inFeatures, int maxRank)
    {
        var args = Arguments(t, x, a, ranks);
        args.Add(scalings);
        args.Add(rowSlots);
        args.Add(inFeatures);
        args.Add(maxRank);
        Launch(launcher, "bgmv_shrink_", dtype, new Dim3((uint)rows, 1, RankChunks(maxRank)), maxRank, ref args);
    }

    public static void BgmvExpand(IKernelLauncher launcher, KernelDType dtype, nint y, nint t, nint bt, nint ranks, nint rowSlots,
        int rows, int outFeatures, int maxRank)
    {
        var args = Arguments(y, t, bt, ranks);
        args.Add(rowSlots);
        args.Add(outFeatures);
        args.Add(maxRank);
        Launch(launcher, "bgmv_expand_", dtype, new Dim3((uint)rows, 1, OutputChunks(outFeatures)), maxRank, ref args);
    }

    /// <param name="maxSegmentRows">Rows of the longest segment (sizes the grid).</param>
    public static void SgmvShrink(IKernelLauncher launcher, KernelDType dtype, nint t, nint x, nint a, nint ranks, nint scalings, nint segmentStarts,
        nint segmentSlots, int segments, int maxSegmentRows, int inFeatures, int maxRank)
    {
        var args = Arguments(t, x, a, ranks);
        args.Add(scalings);
        args.Add(segmentStarts);
        args.Add(segmentSlots);
        args.Add(inFeatures);
        args.Add(maxRank);
        Launch(launcher, "sgmv_shrink_", dtype, new Dim3((uint)segments, SegmentTiles(maxSegmentRows), RankChunks(maxRank)), maxRank, ref args);
    }

    public static void SgmvExpand(IKernelLauncher launcher, KernelDType dtype, nint y, nint t, nint bt, nint ranks, nint segmentStarts, nint segmentSlots,
        int segments, int maxSegmentRows, int outFeatures, int maxRank)
    {
        var args = Arguments(y, t, bt, ranks);
        args.Add(segmentStarts);
        args.Add(segmentSlots);
        args.Add(outFeatures);
        args.Add(maxRank);
        Launch(launcher, "sgmv_expand_", dtype, new Dim3((uint)segments, SegmentTiles(maxSegmentRows), OutputChunks(outFeatures)), maxRank, ref args);
    }

    private static KernelArguments Arguments(nint first, nint second, nint weights, nint ranks)
    {
        var args = new KernelArguments();
        args.Add(first);
        args.Add(second);
        args.Add(weights);
        args.Add(ranks);
        return args;
    }

    private static void Launch(IKernelLauncher launcher, string kernel, KernelDType dtype, Dim3 grid, int maxRank, ref KernelArguments args)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (maxRank is < 1 or > MaxRank) throw new ArgumentOutOfRangeException(nameof(maxRank), maxRank, $"LoRA ranks are 1 to {MaxRank}");
        if (grid.Volume == 0) return;
        launcher.Launch(kernel + dtype.Suffix(), new LaunchConfig(grid, Threads), ref args);
    }

    private static uint RankChunks(int maxRank) => (uint)((maxRank + Threads / 32 - 1) / (Threads / 32));

    private static uint OutputChunks(int outFeatures) => (uint)((outFeatures + Threads - 1) / Threads);

    private static uint SegmentTiles(int maxSegmentRows) => (uint)((maxSegmentRows + SegmentTileRows - 1) / SegmentTileRows);
}
