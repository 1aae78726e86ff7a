using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Load;

namespace InferenceServer.Benchmarking.Metrics;

/// <summary>
/// Turns outcomes into <see cref="RunMetrics"/> as vLLM's benchmark does: latencies over successful requests only,
/// TPOT over requests with more than one output token, ITL over every gap of every successful stream.
/// </summary>
public static class RunMetricsCalculator
{
    public static RunMetrics Compute(RunOutcome run, IReadOnlyList<double> percentiles, GoodputSlos slos)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(slos);
        var ok = run.Requests.Where(r => r.Success).ToList();
        long input = ok.Sum(r => (long)r.PromptTokens), output = ok.Sum(r => (long)r.OutputTokens);
        double duration = run.DurationSeconds;
        double PerSecond(double amount) => duration > 0 ? amount / duration : 0;
        var sources = ok.Select(r => r.TokenSource).Distinct().ToList();
        return new RunMetrics
        {
            Completed = ok.Count,
            Failed = run.Requests.Count - ok.Count,
            DurationSeconds = duration,
            TotalInputTokens = input,
            TotalOutputTokens = output,
            RequestThroughput = PerSecond(ok.Count),
            RequestGoodput = slos.IsEmpty ? null : PerSecond(ok.Count(slos.IsMetBy)),
            OutputThroughput = PerSecond(output),
            TotalTokenThroughput = PerSecond(input + output),
            TokenCountSource = sources.Count > 1 ? "mixed" : sources is [TokenCountSource.Chunks] ? "chunks" : "usage",
            Ttft = LatencySummary.FromSeconds(ok.Select(r => r.Ttft), percentiles),
            Tpot = LatencySummary.FromSeconds(ok.Where(r => r.OutputTokens > 1).Select(r => r.Tpot), percentiles),
            Itl = LatencySummary.FromSeconds(ok.SelectMany(r => r.Itl), percentiles),
            E2el = LatencySummary.FromSeconds(ok.Select(r => r.Latency), percentiles),
            Errors = run.Requests.Where(r => !r.Success).GroupBy(r => r.Error ?? "unknown error")
                .OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
        };
    }
}
