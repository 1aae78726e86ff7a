namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Block sizes shared by the launch classes.</summary>
public static class LaunchShapes
{
    /// <summary>Threads for <paramref name="work"/> items per block: whole warps, at least one, at most <paramref name="max"/>.</summary>
    public static int BlockFor(int work, int max = 1024) => Math.Clamp((work + 31) / 32 * 32, 32, max);

    /// <summary>Kernel name for the storage pairs that have entry points: (f32, f32), (f32, bf16), (f16, f16), (bf16, bf16).</summary>
    public static string PairedName(string kernel, KernelDType input, KernelDType cache)
    {
        bool supported = input == cache || (input == KernelDType.F32 && cache == KernelDType.BF16);
        if (!supported) throw new NotSupportedException($"{kernel}: no entry point for {input} inputs with a {cache} cache");
        return $"{kernel}_{input.Suffix()}_{cache.Suffix()}";
    }
}
