using InferenceServer.Benchmarking.Metrics;

namespace InferenceServer.Benchmarking.Results;

/// <summary>The figures a run is judged by, shared by the console table and `bench compare` so both show the same list.</summary>
public static class HeadlineFigures
{
    /// <summary>A named figure of a run; <paramref name="HigherIsBetter"/> tells how to read a ratio.</summary>
    public sealed record Figure(string Name, string Unit, bool HigherIsBetter, Func<RunMetrics, double?> Value);

    public static IReadOnlyList<Figure> All { get; } =
    [
        new("request throughput", "req/s", true, m => m.RequestThroughput),
        new("request goodput", "req/s", true, m => m.RequestGoodput),
        new("output throughput", "tok/s", true, m => m.OutputThroughput),
        new("total token throughput", "tok/s", true, m => m.TotalTokenThroughput),
        .. Latency("TTFT", m => m.Ttft),
        .. Latency("TPOT", m => m.Tpot),
        .. Latency("ITL", m => m.Itl),
        .. Latency("E2E latency", m => m.E2el),
    ];

    private static Figure[] Latency(string name, Func<RunMetrics, LatencySummary> summary) =>
    [
        new($"mean {name}", "ms", false, m => summary(m).Mean),
        new($"median {name}", "ms", false, m => summary(m).Median),
        new($"p99 {name}", "ms", false, m => summary(m).Percentiles.TryGetValue("p99", out double v) ? v : null),
    ];
}
