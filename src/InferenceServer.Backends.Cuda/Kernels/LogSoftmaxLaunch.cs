namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches log_softmax_f32 over fp32 logits [rows, vocab] (raw, before penalties): any of the full log-probability
/// rows, the log-probability of one token per row (the sampled one), and the <c>topN</c> most likely ids with their
/// log-probabilities ([rows, topN] each, value descending, ties to the lower id; a vocabulary under topN pads with id -1);
/// pass 0 for an output not wanted.
/// </summary>
public static class LogSoftmaxLaunch
{
    /// <summary>Most alternatives a request may ask for (OpenAI's and SamplingParams' limit).</summary>
    public const int MaxTopN = 20;

    public static void Launch(IKernelLauncher launcher, nint output, nint tokenLogprobs, nint tokens, nint logits, int rows, int vocab,
        nint topIds = 0, nint topLogprobs = 0, int topN = 0)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if ((tokenLogprobs == 0) != (tokens == 0)) throw new ArgumentException("token log-probabilities need the tokens, and the tokens an output");
        if (topN is < 0 or > MaxTopN) throw new ArgumentOutOfRangeException(nameof(topN), topN, $"top logprobs are 0 to {MaxTopN}");
        if (topN > 0 && (topIds == 0 || topLogprobs == 0)) throw new ArgumentException("top logprobs need both output arrays");
        if (rows == 0) return;
        var args = new KernelArguments();
        args.Add(output);
        args.Add(tokenLogprobs);
        args.Add(tokens);
        args.Add(topIds);
        args.Add(topLogprobs);
        args.Add(topN);
        args.Add(logits);
        args.Add(vocab);
        launcher.Launch("log_softmax_f32", new LaunchConfig(rows, SamplingLaunch.ThreadsFor(vocab)), ref args);
    }
}
