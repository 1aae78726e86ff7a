namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches log_softmax_f32 over fp32 logits [rows, vocab]: the full log-probability rows (for top logprobs) and/or
/// the log-probability of one token per row (the sampled one); pass 0 for an output not wanted.
/// </summary>
public static class LogSoftmaxLaunch
{
    public static void Launch(IKernelLauncher launcher, nint output, nint tokenLogprobs, nint tokens, nint logits, int rows, int vocab)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if ((tokenLogprobs == 0) != (tokens == 0)) throw new ArgumentException("token log-probabilities need the tokens, and the tokens an output");
        if (rows == 0) return;
        var args = new KernelArguments();
        args.Add(output);
        args.Add(tokenLogprobs);
        args.Add(tokens);
        args.Add(logits);
        args.Add(vocab);
        launcher.Launch("log_softmax_f32", new LaunchConfig(rows, SamplingLaunch.ThreadsFor(vocab)), ref args);
    }
}
