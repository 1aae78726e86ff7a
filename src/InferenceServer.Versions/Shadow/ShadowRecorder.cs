namespace InferenceServer.Versions.Shadow;

/// <summary>
/// What shadow traffic showed about a candidate version: how many copies it served, how many failed, how
/// often its greedy answer matched the answering version's exactly, and its latency. Answers themselves are
/// never kept (they are discarded, never returned to a client). Thread-safe.
/// </summary>
public sealed class ShadowRecorder
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ShadowStats> _stats = new(StringComparer.Ordinal);

    /// <summary>Records one shadow copy: whether it failed, whether it was comparable (greedy) and matched, and its latency.</summary>
    public void Record(string version, bool failed, bool? matched, TimeSpan latency)
    {
        lock (_gate)
        {
            var s = _stats.GetValueOrDefault(version, ShadowStats.Empty);
            _stats[version] = s with
            {
                Requests = s.Requests + 1,
                Errors = s.Errors + (failed ? 1 : 0),
                Compared = s.Compared + (matched.HasValue ? 1 : 0),
                Matches = s.Matches + (matched == true ? 1 : 0),
                TotalLatency = s.TotalLatency + latency,
            };
        }
    }

    /// <summary>The statistics of one shadow version so far.</summary>
    public ShadowStats For(string version)
    {
        lock (_gate) return _stats.GetValueOrDefault(version, ShadowStats.Empty);
    }
}

/// <summary>Shadow requests, errors, compared greedy answers and exact matches, and summed latency.</summary>
public sealed record ShadowStats(long Requests, long Errors, long Compared, long Matches, TimeSpan TotalLatency)
{
    public static readonly ShadowStats Empty = new(0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Share of compared answers that matched exactly (0 when none was compared).</summary>
    public double ExactMatchRate => Compared == 0 ? 0 : (double)Matches / Compared;

    public TimeSpan MeanLatency => Requests == 0 ? TimeSpan.Zero : TotalLatency / Requests;
}
