namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches rope_*: rotates q and k in place by position with the cos/sin of a <see cref="RopeTable"/> uploaded as
/// two [MaxPositions, RotaryDim/2] float arrays. One block per token. Positions must lie inside the table.
/// </summary>
public static class RopeLaunch
{
    public static void Launch(IKernelLauncher launcher, KernelDType dtype, nint q, nint k, nint positions, nint cos, nint sin, int tokens,
        int qHeads, int kvHeads, int headDim, int rotaryDim, int qStride, int kStride, bool neox = true)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (rotaryDim > headDim || rotaryDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(rotaryDim), $"rotary dim {rotaryDim} with head dim {headDim}");
        if (tokens == 0) return;
        var args = new KernelArguments();
        args.Add(q);
        args.Add(k);
        args.Add(positions);
        args.Add(cos);
        args.Add(sin);
        args.Add(qHeads);
        args.Add(kvHeads);
        args.Add(headDim);
        args.Add(rotaryDim);
        args.Add(qStride);
        args.Add(kStride);
        args.Add(neox ? 1 : 0);
        launcher.Launch("rope_" + dtype.Suffix(), new LaunchConfig(tokens, LaunchShapes.BlockFor(qHeads * rotaryDim / 2, 512)), ref args);
    }
}
