namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches the gated MLP activations (common/act_and_mul.cuh): silu_mul_* (Llama, Mistral, Qwen) and gelu_tanh_mul_*
/// (Gemma), out = act(gate) * up over rows with their own strides (separate buffers or one fused gate_up).
/// </summary>
public static class ActAndMulLaunch
{
    /// <summary>out = silu(gate) * up.</summary>
    public static void SiluMul(IKernelLauncher launcher, KernelDType dtype, nint output, nint gate, nint up, int rows, int inter,
        int outStride, int gateStride, int upStride)
        => Launch(launcher, "silu_mul_", dtype, output, gate, up, rows, inter, outStride, gateStride, upStride);

    /// <summary>out = gelu_tanh(gate) * up (PyTorch's GELU with approximate="tanh").</summary>
    public static void GeluTanhMul(IKernelLauncher launcher, KernelDType dtype, nint output, nint gate, nint up, int rows, int inter,
        int outStride, int gateStride, int upStride)
        => Launch(launcher, "gelu_tanh_mul_", dtype, output, gate, up, rows, inter, outStride, gateStride, upStride);

    private static void Launch(IKernelLauncher launcher, string kernel, KernelDType dtype, nint output, nint gate, nint up, int rows, int inter,
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
        launcher.Launch(kernel + dtype.Suffix(), config, ref args);
    }
}
