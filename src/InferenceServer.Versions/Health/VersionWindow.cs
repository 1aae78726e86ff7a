namespace InferenceServer.Versions.Health;

/// <summary>
/// Outcomes of one version since the current evaluation window began: counts, error rate and latency
/// percentiles. Thread-safe; cleared when a window ends or the routing changes.
/// </summary>
public sealed class VersionWindow
{
    private readonly List<RequestOutcome> _outcomes = [];

    public void Record(RequestOutcome outcome)
    {
        lock (_outcomes) _outcomes.Add(outcome);
    }

    public void Clear()
    {
        lock (_outcomes) _outcomes.Clear();
    }

    /// <summary>A summary of the window so far.</summary>
    public WindowSummary Summarize()
    {
        RequestOutcome[] all;
        lock (_outcomes) all = [.. _outcomes];
        if (all.Length == 0) return WindowSummary.Empty;
        int errors = all.Count(o => o.Failed);
        var ok = all.Where(o => !o.Failed).ToArray();
        static double P(IEnumerable<double> values, double p)
        {
            var sorted = values.Order().ToArray();
            if (sorted.Length == 0) return 0;
            // Nearest rank, as Prometheus-style dashboards read p95.
            int rank = Math.Max(1, (int)Math.Ceiling(p * sorted.Length));
            return sorted[rank - 1];
        }
        return new WindowSummary(
            all.Length,
            errors,
            P(ok.Select(o => o.Latency.TotalSeconds), 0.95),
            P(ok.Where(o => o.TimeToFirstToken != null).Select(o => o.TimeToFirstToken!.Value.TotalSeconds), 0.95),
            P(ok.Where(o => o.TimePerOutputToken != null).Select(o => o.TimePerOutputToken!.Value.TotalSeconds), 0.95),
            ok.Sum(o => o.OutputTokens));
    }
}

/// <summary>Requests, errors and p95 latencies (seconds) of a version over a window.</summary>
public sealed record WindowSummary(int Requests, int Errors, double P95Latency, double P95TimeToFirstToken, double P95TimePerOutputToken, long OutputTokens)
{
    public static readonly WindowSummary Empty = new(0, 0, 0, 0, 0, 0);

    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
}
