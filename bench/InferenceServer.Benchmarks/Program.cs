using System.Globalization;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet suites and prints tokens/s and achieved bandwidth next to the machine's bandwidth, and
/// tokenizer throughput. `--quick` runs fewer iterations; `engine` runs the whole-engine workloads (<see cref="Engine.EngineBench"/>); other arguments go to BenchmarkDotNet (e.g. --filter *Forward*).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--quick"))
        {
            Environment.SetEnvironmentVariable("INFERENCE_SERVER_BENCH_QUICK", "1");
            args = args.Where(a => a != "--quick").ToArray();
        }
        if (args.FirstOrDefault() == "engine") return Engine.EngineBench.Run(Environment.GetEnvironmentVariable("INFERENCE_SERVER_BENCH_QUICK") == "1", args[1..]);
        if (args.Length == 0) args = ["--filter", "*"];
        // Write the random models up front, in this process, so no benchmark process spends its time on it; but only
        // when the filter selects the model benchmarks.
        if (Selects(args, typeof(ForwardBenchmarks)))
            foreach (var model in ForwardBenchmarks.Models) BenchModels.Ensure(model);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList();
        if (reports.Any(r => r.BenchmarkCase.Descriptor.Type == typeof(ForwardBenchmarks))) PrintModelTable(reports);
        if (reports.Any(r => r.BenchmarkCase.Descriptor.Type == typeof(TokenizerBenchmarks))) PrintTokenizerTable(reports);
        return 0;
    }

    // BenchmarkDotNet's own glob filter on the --filter patterns; no --filter means everything.
    private static bool Selects(string[] args, Type type)
    {
        var patterns = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is not ("--filter" or "-f")) continue;
            for (i++; i < args.Length && !args[i].StartsWith('-'); i++) patterns.Add(args[i]);
            i--;
        }
        if (patterns.Count == 0) return true;
        var filter = new GlobFilter([.. patterns]);
        return BenchmarkConverter.TypeToBenchmarks(type).BenchmarksCases.Any(filter.Predicate);
    }

    private static void PrintModelTable(List<BenchmarkReport> reports)
    {
        double bandwidth = 0;
        var rows = new List<string>();
        foreach (var report in reports)
        {
            double seconds = report.ResultStatistics!.Median / 1e9;
            var bench = report.BenchmarkCase;
            if (bench.Descriptor.Type == typeof(MemoryBandwidthBenchmark))
            {
                bandwidth = MemoryBandwidthBenchmark.Bytes / seconds / 1e9;
                continue;
            }
            if (bench.Descriptor.Type != typeof(ForwardBenchmarks)) continue;
            string model = (string)bench.Parameters["Model"];
            string method = bench.Descriptor.WorkloadMethod.Name;
            if (method == nameof(ForwardBenchmarks.Decode))
            {
                double tokensPerSecond = 1 / seconds;
                long bytes = long.Parse(File.ReadAllText(ForwardBenchmarks.BytesFile(model)), CultureInfo.InvariantCulture);
                rows.Add($"| {model} | decode | {tokensPerSecond:F1} tokens/s | {bytes * tokensPerSecond / 1e9:F1} GB/s |");
            }
            else
            {
                rows.Add($"| {model} | prefill 512 | {512 / seconds:F1} tokens/s | |");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"CPU kernel path: {CpuIsaSupport.Describe(CpuIsaSupport.Best)} ({CpuModel.Name})");
        Console.WriteLine($"machine read bandwidth (2 threads, same run): {bandwidth:F1} GB/s");
        Console.WriteLine("| model | phase | median speed | weight bandwidth |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine(r);
    }

    private static void PrintTokenizerTable(List<BenchmarkReport> reports)
    {
        // (tokenizer, text) -> encode and decode medians in seconds
        var medians = new SortedDictionary<(string Tokenizer, string Text), (double? Encode, double? Decode)>();
        foreach (var report in reports.Where(r => r.BenchmarkCase.Descriptor.Type == typeof(TokenizerBenchmarks)))
        {
            var bench = report.BenchmarkCase;
            var key = ((string)bench.Parameters["Tokenizer"], (string)bench.Parameters["Text"]);
            double seconds = report.ResultStatistics!.Median / 1e9;
            medians.TryGetValue(key, out var m);
            medians[key] = bench.Descriptor.WorkloadMethod.Name == nameof(TokenizerBenchmarks.Encode) ? m with { Encode = seconds } : m with { Decode = seconds };
        }
        Console.WriteLine();
        Console.WriteLine($"tokenizers ({TokenizerBenchmarks.TextChars:N0}-character texts, one call each, median tokens/s):");
        Console.WriteLine("| tokenizer | text | tokens | encode tokens/s | decode tokens/s |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var ((tokenizer, text), (encode, decode)) in medians)
        {
            int tokens = TokenizerBenchmarks.TokenCount(tokenizer, text);
            static string Rate(int tokens, double? seconds) => seconds is double s ? $"{tokens / s / 1e6:F2} M" : "–";
            Console.WriteLine($"| {tokenizer} | {text} | {tokens:N0} | {Rate(tokens, encode)} | {Rate(tokens, decode)} |");
        }
    }
}
