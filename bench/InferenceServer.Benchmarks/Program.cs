using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace InferenceServer.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet suites and prints tokens/s and achieved bandwidth next to the machine's bandwidth.
/// `--quick` runs fewer iterations; other arguments go to BenchmarkDotNet (e.g. --filter *Forward*).
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
        // Write the random models up front, in this process, so no benchmark process spends its time on it.
        foreach (var model in ForwardBenchmarks.Models) BenchModels.Ensure(model);
        if (args.Length == 0) args = ["--filter", "*"];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        PrintModelTable(summaries);
        return 0;
    }

    private static void PrintModelTable(List<Summary> summaries)
    {
        double bandwidth = 0;
        var rows = new List<string>();
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            if (report.ResultStatistics is not { } stats) continue;
            double seconds = stats.Median / 1e9;
            var bench = report.BenchmarkCase;
            if (bench.Descriptor.Type == typeof(MemoryBandwidthBenchmark))
            {
                bandwidth = MemoryBandwidthBenchmark.Bytes / seconds / 1e9;
                continue;
            }
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
        Console.WriteLine($"machine read bandwidth (2 threads, same run): {bandwidth:F1} GB/s");
        Console.WriteLine("| model | phase | median speed | weight bandwidth |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine(r);
    }
}
