namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Launches rms_norm_* and add_rms_norm_* (fused residual add): one block per row.</summary>
public static class RmsNormLaunch
{
    /// <summary>out[r] = in[r] / rms(in[r]) * weight for <paramref name="rows"/> rows of <paramref name="dim"/>.</summary>
    public static void RmsNorm(IKernelLauncher launcher, KernelDType dtype, nint output, nint input, nint weight, float eps, int rows, int dim)
        => Launch(launcher, "rms_norm_" + dtype.Suffix(), output, input, weight, eps, rows, dim);

    /// <summary>residual += x (rounded to the storage type); x = rmsnorm(residual) * weight, in place.</summary>
    public static void AddRmsNorm(IKernelLauncher launcher, KernelDType dtype, nint x, nint residual, nint weight, float eps, int rows, int dim)
        => Launch(launcher, "add_rms_norm_" + dtype.Suffix(), x, residual, weight, eps, rows, dim);

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
