namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Launches silu_mul_*: out = silu(gate) * up over rows with their own strides (separate buffers or one fused gate_up).</summary>
public static class SiluMulLaunch
{
    public static void Launch(IKernelLauncher launcher, KernelDType dtype, nint output, nint gate, nint up, int rows, int inter,
        int outStride, int gateStride, int upStride)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (rows == 0 || inter == 0) return;
        var args = new KernelArguments();
        args.Add(output);
        args.Add(gate);
        args.Add(up);
        args.Add(inter);
        args.Add(outStride);
        args.Add(gateStride);
        args.Add(upStride);
        int threads = LaunchShapes.BlockFor(inter, 256);
        var config = new LaunchConfig(new Dim3((uint)((inter + threads - 1) / threads), (uint)rows), threads);
        launcher.Launch("silu_mul_" + dtype.Suffix(), config, ref args);
    }
}
