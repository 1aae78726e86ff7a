using System.Diagnostics;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Core.Tensors;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.RandomModels;

namespace InferenceServer.Benchmarks.Engine;

/// <summary>
/// Whole-engine workloads that take seconds, so they run as repeated timed runs (median reported) rather than
/// BenchmarkDotNet cases: aggregate decode throughput at 1–64 concurrent streams with the KV memory paging
/// leaves unused, and time to first token with a 1,024-token prefix cached or not. 2 threads, as on CI machines.
/// Run: <c>dotnet run -c Release --project bench/InferenceServer.Benchmarks -- engine [--quick]</c>.
/// </summary>
public static class EngineBench
{
    private const int PromptTokens = 128;
    private const int OutputTokens = 128;

    /// <summary>Runs the named parts (throughput, ttft, lora; all when none is named).</summary>
    public static int Run(bool quick, IReadOnlyCollection<string> parts)
    {
        int runs = quick ? 1 : 3;
        bool all = parts.Count == 0;
        if (all || parts.Contains("throughput")) Throughput(quick ? [1, 8, 32] : [1, 4, 8, 16, 32, 64], runs);
        if (all || parts.Contains("ttft")) Ttft(quick ? 3 : 7);
        if (all || parts.Contains("lora")) LoraBench.Run(quick, runs);
        return 0;
    }

    /// <summary>The stories110M-shape Q8_0 model the engine workloads run on.</summary>
    internal static string Stories110MQ8 => BenchModels.Ensure("stories110m-q8_0");

    private static void Throughput(int[] streamCounts, int runs)
    {
        using var opened = ModelOpener.Open(Stories110MQ8);
        var options = new EngineOptions
        {
            Threads = 2,
            MaxNumSeqs = streamCounts.Max(),
            MaxNumBatchedTokens = 512,
            KvCacheMemoryBytes = KvCacheSizing.BytesPerBlock(opened.Model.Config, 16) * (streamCounts.Max() * (PromptTokens + OutputTokens) / 16 + 64),
        };
        using var engine = EngineFactory.Create(opened.Model, opened.Tokenizer, options, "bench");
        Console.WriteLine($"stories110M-shape Q8_0, {PromptTokens}-token prompts, {OutputTokens} output tokens, 2 threads, median of {runs}; {engine.DeviceDescription} ({CpuModel.Name})");
        Console.WriteLine("| streams | decode tokens/s (all streams decoding) | output tokens/s (end to end) | KV slots unused at steady state |");
        Console.WriteLine("|---|---|---|---|");
        var rng = new Random(1);
        OneRun(engine, 4, rng); // warm-up
        foreach (int streams in streamCounts)
        {
            var results = Enumerable.Range(0, runs).Select(_ => OneRun(engine, streams, rng)).ToList();
            Console.WriteLine($"| {streams} | {Median(results.Select(r => r.Decode)):F1} | {Median(results.Select(r => r.EndToEnd)):F1} | {Median(results.Select(r => r.Waste)):P1} |");
        }
    }

    /// <summary>Tokens/s of the decode phase and end to end, KV waste, and the process CPU seconds per decoded token.</summary>
    internal readonly record struct RunResult(double Decode, double EndToEnd, double Waste, double DecodeCpuPerToken);

    internal static RunResult OneRun(EngineCore engine, int streams, Random rng, Func<int, string?>? adapterOf = null)
    {
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = OutputTokens, IgnoreEos = true };
        long baseId = rng.NextInt64(1, long.MaxValue / 2);
        for (int s = 0; s < streams; s++)
            engine.Add(baseId + s, new EngineRequest { PromptTokens = RandomTokens(rng, PromptTokens, engine.Config.VocabSize), Sampling = sampling, Adapter = adapterOf?.Invoke(s) });
        var started = new HashSet<long>();
        var clock = Stopwatch.StartNew();
        TimeSpan allDecoding = TimeSpan.Zero, cpuAtDecode = TimeSpan.Zero;
        double wasteSum = 0;
        int wasteSamples = 0;
        while (engine.HasUnfinished)
        {
            foreach (var o in engine.Step()) started.Add(o.RequestId);
            if (allDecoding == TimeSpan.Zero)
            {
                if (started.Count == streams)
                {
                    allDecoding = clock.Elapsed;
                    cpuAtDecode = Process.GetCurrentProcess().TotalProcessorTime;
                }
                continue;
            }
            var (held, used) = engine.KvOccupancy();
            if (held > 0)
            {
                wasteSum += 1 - (double)used / held;
                wasteSamples++;
            }
        }
        var total = clock.Elapsed;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtDecode).TotalSeconds;
        int decoded = streams * (OutputTokens - 1);
        return new RunResult(decoded / (total - allDecoding).TotalSeconds, streams * OutputTokens / total.TotalSeconds,
            wasteSamples > 0 ? wasteSum / wasteSamples : 0, cpu / decoded);
    }

    private static void Ttft(int repeats)
    {
        const int Prefix = 1024, Suffix = 32;
        var shape = ModelShapes.Stories110M with { Config = ModelShapes.Stories110M.Config with { MaxPositionEmbeddings = 2048 } };
        string path = BenchModels.Ensure(shape, TensorDType.Q8_0, "stories110m-2k-q8_0");
        using var opened = ModelOpener.Open(path);
        using var engine = EngineFactory.Create(opened.Model, opened.Tokenizer, new EngineOptions
        {
            Threads = 2,
            MaxNumBatchedTokens = 512,
            KvCacheMemoryBytes = KvCacheSizing.BytesPerBlock(opened.Model.Config, 16) * 2048,
        }, "bench");
        var rng = new Random(2);
        var cold = new List<double>();
        var warm = new List<double>();
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = 1 };
        for (int i = 0; i < repeats + 1; i++)
        {
            var prefix = RandomTokens(rng, Prefix, engine.Config.VocabSize);
            double c = TimeToFirstToken(engine, 2 * i, [.. prefix, .. RandomTokens(rng, Suffix, engine.Config.VocabSize)], sampling);
            double w = TimeToFirstToken(engine, 2 * i + 1, [.. prefix, .. RandomTokens(rng, Suffix, engine.Config.VocabSize)], sampling);
            if (i == 0) continue; // warm-up
            cold.Add(c);
            warm.Add(w);
        }
        Console.WriteLine();
        Console.WriteLine($"time to first token, {Prefix}-token shared prefix + {Suffix} new tokens, stories110M-shape Q8_0 (context 2048), median of {repeats}");
        Console.WriteLine("| prefix | TTFT ms |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| not cached | {Median(cold) * 1000:F1} |");
        Console.WriteLine($"| cached | {Median(warm) * 1000:F1} |");
    }

    private static double TimeToFirstToken(EngineCore engine, long id, int[] prompt, SamplingParams sampling)
    {
        var clock = Stopwatch.StartNew();
        engine.Add(id, new EngineRequest { PromptTokens = prompt, Sampling = sampling });
        while (true)
        {
            foreach (var o in engine.Step())
                if (o.RequestId == id) return clock.Elapsed.TotalSeconds;
        }
    }

    private static int[] RandomTokens(Random rng, int count, int vocab)
    {
        var tokens = new int[count];
        for (int i = 0; i < count; i++) tokens[i] = rng.Next(3, vocab);
        return tokens;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
