namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches gemv_q8_0_*: y [rows, nOut] = x [rows, k] · Wᵀ (+ bias) with W in GGUF Q8_0 blocks, row-major [nOut, k/32]
/// blocks of 34 bytes (fp16 scale, 32 int8), as the model loader holds them. Meant for decode (a few rows).
/// </summary>
public static class GemvQ8_0Launch
{
    /// <summary>Warps per block: one output feature each.</summary>
    public const int Warps = 8;

    /// <summary>Activation rows one block multiplies against each weight load (the kernel's GEMV_Q8_ROWS).</summary>
    public const int RowsPerBlock = 4;

    /// <summary>Bytes of a Q8_0 block: fp16 scale plus 32 int8 weights.</summary>
    public const int BlockBytes = 34;

    /// <summary>Bytes of a Q8_0 weight of <paramref name="nOut"/> rows of <paramref name="k"/> weights.</summary>
    public static long WeightBytes(int nOut, int k) => (long)nOut * (k / 32) * BlockBytes;

    /// <param name="bias">Bias [nOut] in the activation type, or 0 for none.</param>
    public static void Launch(IKernelLauncher launcher, KernelDType dtype, nint output, nint x, nint weight, nint bias, int rows, int nOut, int k)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (k % 32 != 0) throw new ArgumentException($"Q8_0 rows are whole 32-weight blocks; k = {k}", nameof(k));
        if (rows == 0 || nOut == 0) return;
        var args = new KernelArguments();
        args.Add(output);
        args.Add(x);
        args.Add(weight);
        args.Add(bias);
        args.Add(rows);
        args.Add(nOut);
        args.Add(k);
        var grid = new Dim3((uint)((nOut + Warps - 1) / Warps), (uint)((rows + RowsPerBlock - 1) / RowsPerBlock));
        launcher.Launch("gemv_q8_0_" + dtype.Suffix(), new LaunchConfig(grid, Warps * 32), ref args);
    }
}
