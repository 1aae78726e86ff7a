namespace InferenceServer.Versions.Config;

/// <summary>The routing file as written (snake_case JSON); <see cref="RoutingConfigReader"/> validates it into a <see cref="RoutingConfig"/>.</summary>
public sealed record RoutingFile
{
    public string? Stable { get; init; }
    public string? Canary { get; init; }
    public double? CanaryWeight { get; init; }
    public List<double>? Steps { get; init; }
    public double? EvaluationWindowSeconds { get; init; }
    public int? MinRequests { get; init; }
    public RollbackFile? Rollback { get; init; }
    public string? StickyHeader { get; init; }
    public ShadowFile? Shadow { get; init; }
    public Dictionary<string, FaultFile>? Faults { get; init; }

    /// <summary>A routing in force written back as a file, so a change of one field can be revalidated as a whole.</summary>
    public static RoutingFile From(RoutingConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new RoutingFile
        {
            Stable = c.Stable,
            Canary = c.Canary,
            CanaryWeight = c.CanaryWeight,
            Steps = [.. c.Steps],
            EvaluationWindowSeconds = c.EvaluationWindow.TotalSeconds,
            MinRequests = c.MinRequests,
            Rollback = new RollbackFile(c.ErrorRateRatio, c.P95LatencyRatio),
            StickyHeader = c.StickyHeader,
            Shadow = c.ShadowVersion is { } s ? new ShadowFile(s, c.ShadowSampleRate) : null,
            Faults = c.Faults.ToDictionary(f => f.Key, f => new FaultFile(f.Value.ErrorRate, f.Value.AddedLatency.TotalMilliseconds), StringComparer.Ordinal),
        };
    }
}

/// <summary>The <c>rollback</c> object of a routing file.</summary>
public sealed record RollbackFile(double? ErrorRateRatio, double? P95LatencyRatio);

/// <summary>The <c>shadow</c> object of a routing file.</summary>
public sealed record ShadowFile(string? Version, double SampleRate);

/// <summary>One entry of the <c>faults</c> object of a routing file.</summary>
public sealed record FaultFile(double ErrorRate, double AddedLatencyMs);
