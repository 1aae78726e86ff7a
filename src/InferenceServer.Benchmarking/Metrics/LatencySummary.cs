namespace InferenceServer.Benchmarking.Metrics;

/// <summary>Mean, median, standard deviation and chosen percentiles of one latency, in milliseconds.</summary>
public sealed record LatencySummary
{
    public int Count { get; init; }

    public double Mean { get; init; }

    public double Median { get; init; }

    /// <summary>Population standard deviation (numpy's std).</summary>
    public double Std { get; init; }

    /// <summary>Keyed "p90", "p99", "p99.9".</summary>
    public IReadOnlyDictionary<string, double> Percentiles { get; init; } = new Dictionary<string, double>();

    /// <summary>Summarises values given in seconds; all figures are 0 when there are none.</summary>
    public static LatencySummary FromSeconds(IEnumerable<double> seconds, IReadOnlyList<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        var ms = seconds.Select(s => s * 1000).Order().ToArray();
        double mean = ms.Length == 0 ? 0 : ms.Average();
        return new LatencySummary
        {
            Count = ms.Length,
            Mean = mean,
            Median = Percentile.Of(ms, 50),
            Std = ms.Length == 0 ? 0 : Math.Sqrt(ms.Sum(v => (v - mean) * (v - mean)) / ms.Length),
            Percentiles = percentiles.ToDictionary(Key, p => Percentile.Of(ms, p)),
        };
    }

    public static string Key(double p) => "p" + p.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
