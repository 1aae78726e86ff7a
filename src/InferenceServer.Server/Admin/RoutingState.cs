using InferenceServer.Server.Versions;
using InferenceServer.Versions.Canary;
using InferenceServer.Versions.Health;
using InferenceServer.Versions.Shadow;

namespace InferenceServer.Server.Admin;

/// <summary>What <c>GET /admin/routing</c> shows of one model: the routing in force, this window's health per version, shadow results and every change so far.</summary>
public sealed record RoutingState(
    string Model,
    IReadOnlyList<string> Loaded,
    string Stable,
    string? Canary,
    double CanaryWeight,
    IReadOnlyList<double> Steps,
    double EvaluationWindowSeconds,
    int MinRequests,
    IReadOnlyDictionary<string, FaultState> Faults,
    IReadOnlyDictionary<string, WindowSummary> Window,
    string? ShadowVersion,
    double ShadowSampleRate,
    ShadowStats? Shadow,
    long Rollbacks,
    IReadOnlyList<RoutingChange> History)
{
    public static RoutingState Of(ModelVersions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Controller.Current;
        return new RoutingState(
            model.Name,
            [.. model.Versions.Keys.Order(StringComparer.Ordinal)],
            c.Stable,
            c.Canary,
            c.CanaryWeight,
            c.Steps,
            c.EvaluationWindow.TotalSeconds,
            c.MinRequests,
            c.Faults.ToDictionary(f => f.Key, f => new FaultState(f.Value.ErrorRate, f.Value.AddedLatency.TotalMilliseconds)),
            model.Versions.Keys.ToDictionary(v => v, model.Controller.Window),
            c.ShadowVersion,
            c.ShadowSampleRate,
            c.ShadowVersion is { } s ? model.Shadows.For(s) : null,
            model.Controller.Rollbacks,
            model.Controller.History.Select(RoutingChange.Of).ToList());
    }
}

/// <summary>A version's injected faults as the routing file writes them.</summary>
public sealed record FaultState(double ErrorRate, double AddedLatencyMs);

/// <summary>A routing change on the wire, its kind by name.</summary>
public sealed record RoutingChange(DateTimeOffset At, string Kind, string Stable, string? Canary, double FromWeight, double ToWeight, string Reason)
{
    public static RoutingChange Of(RoutingEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new RoutingChange(e.At, e.Kind.ToString(), e.Stable, e.Canary, e.FromWeight, e.ToWeight, e.Reason);
    }
}
