namespace InferenceServer.Benchmarking.Metrics;

/// <summary>Percentiles by linear interpolation between closest ranks (numpy's default, which vLLM's benchmark reports).</summary>
public static class Percentile
{
    /// <summary>The <paramref name="p"/>-th percentile (0..100) of ascending <paramref name="sorted"/> values; 0 for none.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (p is < 0 or > 100 || double.IsNaN(p)) throw new ArgumentException($"percentiles must be in [0, 100] (got {p})");
        if (sorted.Count == 0) return 0;
        double rank = p / 100 * (sorted.Count - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
