namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Launches kv_write_* (vLLM's reshape_and_cache into <see cref="KvCacheLayout"/>): one block per token; slots &lt; 0 are skipped.</summary>
public static class KvWriteLaunch
{
    public static void Launch(IKernelLauncher launcher, KernelDType input, KernelDType cache, nint kCache, nint vCache, nint key, nint value,
        nint slotMapping, int tokens, int keyStride, int valueStride, int kvHeads, int headDim, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (tokens == 0) return;
        var args = new KernelArguments();
        args.Add(kCache);
        args.Add(vCache);
        args.Add(key);
        args.Add(value);
        args.Add(slotMapping);
        args.Add(keyStride);
        args.Add(valueStride);
        args.Add(kvHeads);
        args.Add(headDim);
        args.Add(blockSize);
        var config = new LaunchConfig(tokens, LaunchShapes.BlockFor(kvHeads * headDim, 512));
        launcher.Launch(LaunchShapes.PairedName("kv_write", input, cache), config, ref args);
    }
}
