using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Load;
using InferenceServer.Benchmarking.Metrics;
using InferenceServer.Benchmarking.Results;

namespace InferenceServer.Benchmarking.Tests.Results;

/// <summary>Small reports built from hand-made outcomes, for the result-file, comparison and plot tests.</summary>
internal static class ReportSamples
{
    public static RunResult Run(string? sweepValue, double durationSeconds, params RequestOutcome[] requests)
    {
        var outcome = new RunOutcome(requests, durationSeconds);
        return new RunResult
        {
            SweepValue = sweepValue,
            Load = new LoadPlan { NumPrompts = requests.Length, MaxConcurrency = sweepValue is null ? null : int.Parse(sweepValue, System.Globalization.CultureInfo.InvariantCulture) },
            Metrics = RunMetricsCalculator.Compute(outcome, [50, 90, 99], GoodputSlos.Parse(["ttft:200"])),
            Requests = [.. requests.Select(RequestRecord.From)],
        };
    }

    public static RequestOutcome Ok(double ttft, double latency, int output = 10) =>
        new() { Success = true, Ttft = ttft, Latency = latency, PromptTokens = 5, OutputTokens = output, Itl = [0.01, 0.02] };

    public static BenchmarkReport Report(string? sweep, params RunResult[] runs) => new()
    {
        Date = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Config = new BenchmarkConfig { BaseUrl = "http://127.0.0.1:8000", Model = "tiny", Sweep = sweep, Percentiles = [50, 90, 99], Goodput = "ttft:200", Load = new LoadPlan() },
        Runs = runs,
    };
}
