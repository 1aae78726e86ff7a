namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Launches embedding_*: out[i] = table[ids[i]] (also GatherRows); ids outside the table give zero rows.</summary>
public static class EmbeddingLaunch
{
    public static void Launch(IKernelLauncher launcher, KernelDType dtype, nint output, nint table, nint ids, int count, int tableRows, int width)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (count == 0) return;
        var args = new KernelArguments();
        args.Add(output);
        args.Add(table);
        args.Add(ids);
        args.Add(tableRows);
        args.Add(width);
        launcher.Launch("embedding_" + dtype.Suffix(), new LaunchConfig(count, LaunchShapes.BlockFor(width, 256)), ref args);
    }
}
