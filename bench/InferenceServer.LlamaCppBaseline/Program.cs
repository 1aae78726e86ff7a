using System.Globalization;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;

namespace InferenceServer.LlamaCppBaseline;

/// <summary>
/// Same-machine llama.cpp baseline for the CPU benchmarks: runs llama.cpp (the prebuilt libraries of
/// LLamaSharp.Backend.Cpu, through LLamaSharp) on one of our GGUF files and prints one markdown table row per
/// measurement. Exit codes: 0 done, 1 llama.cpp failed, 2 bad arguments.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(BaselineOptions.Usage);
            return 0;
        }
        BaselineOptions options;
        try
        {
            options = BaselineOptions.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(BaselineOptions.Usage);
            return 2;
        }
        var log = new LlamaLog(options.Verbose);
        try
        {
            return Run(options, log);
        }
        catch (Exception e) when (e is RuntimeError or LoadWeightsFailedException or InvalidOperationException or DllNotFoundException)
        {
            Console.Error.WriteLine($"error: llama.cpp failed: {e.Message}");
            foreach (string line in log.TakeMatching("error", "failed", "key not found")) Console.Error.WriteLine($"  {line}");
            return 1;
        }
    }

    private static int Run(BaselineOptions options, LlamaLog log)
    {
        LlamaCppRuntime.Configure(options.Variant, log.Write);
        // Weights memory-mapped and on the CPU, as llama-bench loads them.
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(options.Model) { GpuLayerCount = 0, LoadMode = LLamaLoadMode.MemoryMap });
        string variant = LlamaCppRuntime.LoadedVariant();
        string requested = options.Variant.ToString().ToLowerInvariant();
        if (options.Variant != Variant.Auto && variant != requested)
            throw new InvalidOperationException($"asked for the {requested} build, loaded {variant}");

        Console.WriteLine($"model: {options.Model} ({weights.Vocab.Count} tokens, {weights.ParameterCount:N0} parameters)");
        Console.WriteLine($"threads: {options.Threads}; repetitions: {options.Reps} after 1 warm-up; token ids uniform in [3, {Math.Min(weights.Vocab.Count, 32000)})");
        foreach (string library in LlamaCppRuntime.LoadedLibraries()) Console.WriteLine($"loaded: {library}");
        Console.WriteLine($"llama_print_system_info: {LlamaCppRuntime.SystemInfo().Trim()}");
        log.TakeMatching(); // the load log is not needed below
        Console.WriteLine();

        string name = Path.GetFileName(options.Model) == "model.gguf"
            ? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(options.Model))) ?? options.Model
            : Path.GetFileName(options.Model);
        string variantLabel = options.Variant == Variant.Auto ? $"auto ({variant})" : variant;
        var notes = new List<string>();
        Console.WriteLine($"| model | llama.cpp build | test | tokens/s (median of {options.Reps}) | min – max |");
        Console.WriteLine("|---|---|---|---:|---|");
        var bench = new LlamaBench(weights, options);
        foreach (var measurement in options.Only)
        {
            double[] rates = bench.Run(measurement);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {variantLabel} | {LlamaBench.Describe(measurement)} | {Median(rates):F1} | {rates.Min():F1} – {rates.Max():F1} |"));
            // What llama.cpp decided for the context (flash attention "auto" resolves per model and build).
            notes.AddRange(log.TakeMatching("flash_attn", "Flash Attention", "kv_unified", "n_ctx_seq", "type_k")
                .Distinct(StringComparer.Ordinal).Select(l => $"{measurement}: {l}"));
        }
        Console.WriteLine();
        foreach (string note in notes.Distinct(StringComparer.Ordinal)) Console.WriteLine($"# {note}");
        return 0;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
