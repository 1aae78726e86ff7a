namespace InferenceServer.Versions.Config;

/// <summary>
/// How requests for one model name are spread over its versions: the stable version, an optional canary with
/// its weight and roll-out steps, the health rules that promote or roll it back, shadow traffic and faults.
/// Read from <c>models/&lt;name&gt;/routing.json</c> (see models/README.md).
/// </summary>
public sealed record RoutingConfig
{
    /// <summary>The model name clients ask for.</summary>
    public required string Model { get; init; }

    /// <summary>The version that takes the traffic the canary does not.</summary>
    public required string Stable { get; init; }

    /// <summary>The version being rolled out, if any.</summary>
    public string? Canary { get; init; }

    /// <summary>Percent of traffic the canary takes now (0–100).</summary>
    public double CanaryWeight { get; init; }

    /// <summary>Canary weights, in percent, that a healthy canary advances through; the last is 100.</summary>
    public IReadOnlyList<double> Steps { get; init; } = [5, 25, 50, 100];

    /// <summary>How long a canary must stay healthy at a step before it advances.</summary>
    public TimeSpan EvaluationWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Canary requests in a window before its health is judged.</summary>
    public int MinRequests { get; init; } = 20;

    /// <summary>Roll back when the canary's error rate exceeds this multiple of the stable one's.</summary>
    public double ErrorRateRatio { get; init; } = 1.5;

    /// <summary>Roll back when the canary's p95 latency exceeds this multiple of the stable one's.</summary>
    public double P95LatencyRatio { get; init; } = 1.5;

    /// <summary>Header whose value keeps a client on one version (the request's <c>user</c> field when absent).</summary>
    public string? StickyHeader { get; init; }

    /// <summary>A version that receives a copy of sampled traffic whose answers are discarded.</summary>
    public string? ShadowVersion { get; init; }

    /// <summary>Fraction (0–1) of requests copied to the shadow version.</summary>
    public double ShadowSampleRate { get; init; }

    /// <summary>Injected faults per version, for rollback drills.</summary>
    public IReadOnlyDictionary<string, FaultSpec> Faults { get; init; } = new Dictionary<string, FaultSpec>();

    /// <summary>Every version the file names.</summary>
    public IEnumerable<string> Versions
    {
        get
        {
            yield return Stable;
            if (Canary != null) yield return Canary;
            if (ShadowVersion != null) yield return ShadowVersion;
        }
    }
}
