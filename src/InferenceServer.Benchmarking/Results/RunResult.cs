using InferenceServer.Benchmarking.Load;
using InferenceServer.Benchmarking.Metrics;

namespace InferenceServer.Benchmarking.Results;

/// <summary>One run (one sweep point): the load it ran under, its figures and its requests.</summary>
public sealed record RunResult
{
    /// <summary>The sweep value of this point ("inf" for an infinite rate), or null outside a sweep.</summary>
    public string? SweepValue { get; init; }

    public LoadPlan Load { get; init; } = new();

    public RunMetrics Metrics { get; init; } = new();

    public IReadOnlyList<RequestRecord> Requests { get; init; } = [];
}
