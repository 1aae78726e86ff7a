namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches the token pickers over fp32 logits [rows, vocab]: argmax_f32 (greedy) and sample_f32 (temperature, top-k,
/// min-p, top-p, seeded Philox draw; greedy rows included). Per-row parameters are device arrays; only int32 token ids
/// come back.
/// </summary>
public static class SamplingLaunch
{
    /// <summary>Threads per row: about four vocabulary entries each, at most 1024 (a 128k vocabulary gets 1024).</summary>
    public static int ThreadsFor(int vocab) => LaunchShapes.BlockFor((vocab + 3) / 4);

    public static void Argmax(IKernelLauncher launcher, nint tokens, nint logits, int rows, int vocab)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (rows == 0) return;
        var args = new KernelArguments();
        args.Add(tokens);
        args.Add(logits);
        args.Add(vocab);
        launcher.Launch("argmax_f32", new LaunchConfig(rows, ThreadsFor(vocab)), ref args);
    }

    /// <param name="temperature">float [rows]; below 1e-5 the row is greedy.</param>
    /// <param name="topK">int32 [rows]; 0 or ≥ vocab disables.</param>
    /// <param name="topP">float [rows] in (0, 1]; 1 disables.</param>
    /// <param name="minP">float [rows] in [0, 1]; 0 disables.</param>
    /// <param name="seeds">uint64 [rows]: the request's seed.</param>
    /// <param name="steps">uint64 [rows]: tokens the request has drawn before, so each step draws fresh numbers.</param>
    public static void Sample(IKernelLauncher launcher, nint tokens, nint logits, int rows, int vocab, nint temperature, nint topK, nint topP,
        nint minP, nint seeds, nint steps)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (rows == 0) return;
        var args = new KernelArguments();
        args.Add(tokens);
        args.Add(logits);
        args.Add(vocab);
        args.Add(temperature);
        args.Add(topK);
        args.Add(topP);
        args.Add(minP);
        args.Add(seeds);
        args.Add(steps);
        launcher.Launch("sample_f32", new LaunchConfig(rows, ThreadsFor(vocab)), ref args);
    }
}
