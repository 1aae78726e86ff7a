namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Launches elementwise.cu: add_f32 (residual add), add_bias_f32 (projection bias) and convert_f32_to_* (activations to half precision for cuBLAS).</summary>
public static class ElementwiseLaunch
{
    /// <summary>Threads per block of the grid-stride kernels.</summary>
    public const int Threads = 256;

    /// <summary>Most blocks of a grid-stride launch: enough to fill an H100 several times over.</summary>
    public const int MaxBlocks = 4096;

    /// <summary>a += b over <paramref name="count"/> floats.</summary>
    public static void Add(IKernelLauncher launcher, nint a, nint b, long count)
    {
        var args = new KernelArguments();
        args.Add(a);
        args.Add(b);
        args.Add(count);
        GridStride(launcher, "add_f32", count, ref args);
    }

    /// <summary>y[r, c] += bias[c] over <paramref name="rows"/> rows of <paramref name="cols"/> floats.</summary>
    public static void AddBias(IKernelLauncher launcher, nint y, nint bias, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (rows == 0 || cols == 0) return;
        var args = new KernelArguments();
        args.Add(y);
        args.Add(bias);
        args.Add(cols);
        int threads = LaunchShapes.BlockFor(cols, Threads);
        launcher.Launch("add_bias_f32", new LaunchConfig(new Dim3((uint)((cols + threads - 1) / threads), (uint)rows), threads), ref args);
    }

    /// <summary>output = input rounded to <paramref name="dtype"/> (f16 or bf16) over <paramref name="count"/> elements.</summary>
    public static void ConvertFromF32(IKernelLauncher launcher, KernelDType dtype, nint output, nint input, long count)
    {
        if (dtype == KernelDType.F32) throw new ArgumentException("convert_f32_to_* targets f16 or bf16", nameof(dtype));
        var args = new KernelArguments();
        args.Add(output);
        args.Add(input);
        args.Add(count);
        GridStride(launcher, "convert_f32_to_" + dtype.Suffix(), count, ref args);
    }

    private static void GridStride(IKernelLauncher launcher, string kernel, long count, ref KernelArguments args)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (count == 0) return;
        int blocks = (int)Math.Min(MaxBlocks, (count + Threads - 1) / Threads);
        launcher.Launch(kernel, new LaunchConfig(blocks, Threads), ref args);
    }
}
