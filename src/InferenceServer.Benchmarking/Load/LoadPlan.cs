namespace InferenceServer.Benchmarking.Load;

/// <summary>How requests are sent: arrivals, the concurrency cap, and how many (or for how long).</summary>
public sealed record LoadPlan
{
    /// <summary>Requests per second; +infinity sends all at once.</summary>
    public double RequestRate { get; init; } = double.PositiveInfinity;

    /// <summary>Gamma shape of the arrival gaps (1: Poisson).</summary>
    public double Burstiness { get; init; } = 1;

    /// <summary>Most requests in flight; null for no cap.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Requests to send when there is no <see cref="DurationSeconds"/>.</summary>
    public int NumPrompts { get; init; } = 1000;

    /// <summary>When set, requests keep arriving (cycling through the prompts) until this many seconds have passed.</summary>
    public double? DurationSeconds { get; init; }

    public int Seed { get; init; }
}
