namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Launches rms_norm_*, add_rms_norm_* (fused residual add), one block per row, and head_rms_norm_* (per head).</summary>
public static class RmsNormLaunch
{
    /// <summary>out[r] = in[r] / rms(in[r]) * weight for <paramref name="rows"/> rows of <paramref name="dim"/>.</summary>
    public static void RmsNorm(IKernelLauncher launcher, KernelDType dtype, nint output, nint input, nint weight, float eps, int rows, int dim)
        => Launch(launcher, "rms_norm_" + dtype.Suffix(), output, input, weight, eps, rows, dim);

    /// <summary>residual += x (rounded to the storage type); x = rmsnorm(residual) * weight, in place.</summary>
    public static void AddRmsNorm(IKernelLauncher launcher, KernelDType dtype, nint x, nint residual, nint weight, float eps, int rows, int dim)
        => Launch(launcher, "add_rms_norm_" + dtype.Suffix(), x, residual, weight, eps, rows, dim);

    /// <summary>
    /// Qwen3's q/k norm, in place: RMSNorm over each of <paramref name="heads"/> heads of <paramref name="headDim"/> in each
    /// of <paramref name="tokens"/> rows <paramref name="rowStride"/> elements apart (q or k inside a fused qkv output).
    /// </summary>
    public static void HeadRmsNorm(IKernelLauncher launcher, KernelDType dtype, nint x, nint weight, float eps, int tokens, int heads, int headDim, int rowStride)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (tokens == 0 || heads == 0) return;
        var args = new KernelArguments();
        args.Add(x);
        args.Add(weight);
        args.Add(eps);
        args.Add(headDim);
        args.Add(rowStride);
        launcher.Launch("head_rms_norm_" + dtype.Suffix(), new LaunchConfig(new Dim3((uint)heads, (uint)tokens), LaunchShapes.BlockFor(headDim, 256)), ref args);
    }

    private static void Launch(IKernelLauncher launcher, string kernel, nint a, nint b, nint weight, float eps, int rows, int dim)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (rows == 0) return;
        var args = new KernelArguments();
        args.Add(a);
        args.Add(b);
        args.Add(weight);
        args.Add(eps);
        args.Add(dim);
        // About four elements per thread: a 4096-wide row gets 1024 threads, as vLLM launches it.
        launcher.Launch(kernel, new LaunchConfig(rows, LaunchShapes.BlockFor((dim + 3) / 4)), ref args);
    }
}
