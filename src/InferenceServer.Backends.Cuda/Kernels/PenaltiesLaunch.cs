namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches apply_penalties_f32 on fp32 logits [rows, vocab] in place: repetition penalty on each row's seen ids
/// (prompt set ∪ output tokens, each id once), then presence + frequency · count on its output (id, count) pairs.
/// Lists are CSR: int32 starts [rows + 1] into flat id (and count) arrays.
/// </summary>
public static class PenaltiesLaunch
{
    /// <summary>Threads per row: the lists are short (prompt and output lengths), so one warp-multiple up to 256.</summary>
    public const int Threads = 256;

    public static void Launch(IKernelLauncher launcher, nint logits, int rows, int vocab, nint repetition, nint presence, nint frequency,
        nint seenStarts, nint seenIds, nint outputStarts, nint outputIds, nint outputCounts)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        if (rows == 0) return;
        var args = new KernelArguments();
        args.Add(logits);
        args.Add(vocab);
        args.Add(repetition);
        args.Add(presence);
        args.Add(frequency);
        args.Add(seenStarts);
        args.Add(seenIds);
        args.Add(outputStarts);
        args.Add(outputIds);
        args.Add(outputCounts);
        launcher.Launch("apply_penalties_f32", new LaunchConfig(rows, Threads), ref args);
    }
}
