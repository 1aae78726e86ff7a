using InferenceServer.Core.Tensors;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Config;

namespace InferenceServer.Benchmarks.Engine;

/// <summary>
/// Decode throughput of one batch of streams spread over N distinct LoRA adapters (every target module, rank 8
/// and 64), against the same batch on the base model alone: the cost of unmerged multi-LoRA per token. Slots hold
/// the engine's default type for a Q8_0 model (bf16); INFERENCE_SERVER_BENCH_LORA_DTYPE=f32 (or bf16) picks one, and
/// INFERENCE_SERVER_BENCH_LORA_RANKS / _COUNTS (e.g. "64" / "1,32") run part of the table; _THREADS sets the threads
/// (2; with 1 the CPU time per token is the work alone, no spinning between threads).
/// </summary>
internal static class LoraBench
{
    private const int Streams = 64;

    public static void Run(bool quick, int runs)
    {
        var counts = List("INFERENCE_SERVER_BENCH_LORA_COUNTS") ?? (quick ? [1, 32] : [1, 8, 32, 64]);
        var ranks = List("INFERENCE_SERVER_BENCH_LORA_RANKS") ?? (quick ? [8] : [8, 64]);
        using var opened = ModelOpener.Open(EngineBench.Stories110MQ8);
        var cfg = opened.Model.Config;
        using var engine = EngineFactory.Create(opened.Model, opened.Tokenizer, new EngineOptions
        {
            Threads = List("INFERENCE_SERVER_BENCH_LORA_THREADS")?[0] ?? 2,
            MaxNumSeqs = Streams,
            MaxNumBatchedTokens = 512,
            EnableLora = true,
            MaxLoras = counts.Max(),
            MaxLoraRank = 64,
            KvCacheMemoryBytes = KvCacheSizing.BytesPerBlock(cfg, 16) * (Streams * 256 / 16 + 64),
            LoraDType = Environment.GetEnvironmentVariable("INFERENCE_SERVER_BENCH_LORA_DTYPE") is { Length: > 0 } d ? Enum.Parse<TensorDType>(d, ignoreCase: true) : null,
        }, "bench");
        var rng = new Random(3);
        EngineBench.OneRun(engine, 8, rng); // warm-up
        Console.WriteLine();
        Console.WriteLine($"multi-LoRA, {Streams} streams spread evenly over N adapters (all 7 target modules, {engine.Adapters!.DType} slots), stories110M-shape Q8_0, {engine.Options.Threads} threads, " +
            $"decode tokens/s, median of {runs}; each LoRA run follows a base-model run, so load that drifts over the minutes hits both, " +
            "the fastest runs are what bursts of other load touch least, and process CPU time per token is not stretched by waiting for a core");
        Console.WriteLine("| rank | adapters | tokens/s | base model tokens/s | time per token vs base | fastest vs fastest | CPU time per token vs base |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int rank in ranks)
        {
            var names = new List<string>();
            foreach (int n in counts)
            {
                while (names.Count < n)
                {
                    var adapter = RandomAdapter($"r{rank}-{names.Count}", rank, cfg, seed: rank * 1000 + names.Count);
                    engine.Adapters.Register(adapter);
                    names.Add(adapter.Name);
                }
                int count = n;
                var baseline = new List<EngineBench.RunResult>();
                var lora = new List<EngineBench.RunResult>();
                for (int i = 0; i < runs; i++)
                {
                    baseline.Add(EngineBench.OneRun(engine, Streams, rng));
                    lora.Add(EngineBench.OneRun(engine, Streams, rng, s => names[s % count]));
                }
                double tps = EngineBench.Median(lora.Select(r => r.Decode)), baseTps = EngineBench.Median(baseline.Select(r => r.Decode));
                double best = baseline.Max(r => r.Decode) / lora.Max(r => r.Decode);
                double cpu = EngineBench.Median(lora.Select(r => r.DecodeCpuPerToken)) / EngineBench.Median(baseline.Select(r => r.DecodeCpuPerToken));
                Console.WriteLine($"| {rank} | {n} | {tps:F1} | {baseTps:F1} | {baseTps / tps:F2}x | {best:F2}x | {cpu:F2}x |");
            }
            foreach (var name in names) engine.Adapters.Unregister(name);
        }
    }

    /// <summary>A comma-separated list of numbers from the environment (to run part of the table), or null.</summary>
    private static int[]? List(string variable)
        => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? [.. v.Split(',').Select(int.Parse)] : null;

    /// <summary>An adapter built in memory (no files): the loader is not what this measures, the matrices' traffic is.</summary>
    private static LoraAdapter RandomAdapter(string name, int rank, ModelConfig cfg, int seed)
    {
        ulong state = (ulong)seed * 0x9E3779B97F4A7C15UL + 1;
        float Next()
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            return ((state >> 40) / (float)(1 << 24) * 2 - 1) * 0.05f;
        }
        var weights = new LoraWeights?[cfg.NumLayers, LoraTargets.All.Count];
        for (int l = 0; l < cfg.NumLayers; l++)
        {
            foreach (var t in LoraTargets.All)
            {
                int inF = t.InFeatures(cfg), outF = t.OutFeatures(cfg);
                var a = new float[rank * inF];
                var b = new float[rank * outF];
                for (int i = 0; i < a.Length; i++) a[i] = Next();
                for (int i = 0; i < b.Length; i++) b[i] = Next();
                weights[l, (int)t] = new LoraWeights(a, b, inF, outF);
            }
        }
        return new LoraAdapter(name, "", new LoraAdapterConfig(rank, 2 * rank, false, LoraTargets.All.ToHashSet(), null), weights);
    }
}
