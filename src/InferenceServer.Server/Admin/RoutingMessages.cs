using System.Globalization;

namespace InferenceServer.Server.Admin;

/// <summary>A model's <see cref="RoutingState"/> as the gRPC admin API's message (the same fields as the HTTP JSON).</summary>
public static class RoutingMessages
{
    public static V1.ModelRouting Of(RoutingState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var m = new V1.ModelRouting
        {
            Model = s.Model,
            Stable = s.Stable,
            Canary = s.Canary ?? "",
            CanaryWeight = s.CanaryWeight,
            EvaluationWindowSeconds = s.EvaluationWindowSeconds,
            MinRequests = s.MinRequests,
            ShadowVersion = s.ShadowVersion ?? "",
            ShadowSampleRate = s.ShadowSampleRate,
            Rollbacks = s.Rollbacks,
        };
        m.Loaded.AddRange(s.Loaded);
        m.Steps.AddRange(s.Steps);
        foreach (var (version, f) in s.Faults) m.Faults[version] = new V1.Faults { ErrorRate = f.ErrorRate, AddedLatencyMs = f.AddedLatencyMs };
        foreach (var (version, w) in s.Window)
        {
            m.Window[version] = new V1.VersionWindow
            {
                Requests = w.Requests,
                Errors = w.Errors,
                P95LatencySeconds = w.P95Latency,
                P95TimeToFirstTokenSeconds = w.P95TimeToFirstToken,
                P95TimePerOutputTokenSeconds = w.P95TimePerOutputToken,
                OutputTokens = w.OutputTokens,
            };
        }
        if (s.Shadow is { } shadow)
        {
            m.Shadow = new V1.ShadowStats
            {
                Requests = shadow.Requests,
                Errors = shadow.Errors,
                Compared = shadow.Compared,
                Matches = shadow.Matches,
                ExactMatchRate = shadow.ExactMatchRate,
                MeanLatencySeconds = shadow.MeanLatency.TotalSeconds,
            };
        }
        m.History.AddRange(s.History.Select(h => new V1.RoutingChange
        {
            At = h.At.ToString("O", CultureInfo.InvariantCulture),
            Kind = h.Kind,
            Stable = h.Stable,
            Canary = h.Canary ?? "",
            FromWeight = h.FromWeight,
            ToWeight = h.ToWeight,
            Reason = h.Reason,
        }));
        return m;
    }
}
