namespace InferenceServer.Benchmarking.Metrics;

/// <summary>The figures of one run, with vLLM's names and definitions; throughputs per second of run duration.</summary>
public sealed record RunMetrics
{
    public int Completed { get; init; }

    public int Failed { get; init; }

    public double DurationSeconds { get; init; }

    public long TotalInputTokens { get; init; }

    public long TotalOutputTokens { get; init; }

    /// <summary>Completed requests per second.</summary>
    public double RequestThroughput { get; init; }

    /// <summary>Completed requests meeting every SLO, per second; null without --goodput.</summary>
    public double? RequestGoodput { get; init; }

    public double OutputThroughput { get; init; }

    /// <summary>Input plus output tokens per second.</summary>
    public double TotalTokenThroughput { get; init; }

    /// <summary>"usage" (the server's counts), "chunks" (content chunks counted: no usage was sent) or "mixed".</summary>
    public string TokenCountSource { get; init; } = "usage";

    public LatencySummary Ttft { get; init; } = new();

    public LatencySummary Tpot { get; init; } = new();

    public LatencySummary Itl { get; init; } = new();

    public LatencySummary E2el { get; init; } = new();

    /// <summary>Distinct error messages and how often each occurred.</summary>
    public IReadOnlyDictionary<string, int> Errors { get; init; } = new Dictionary<string, int>();
}
