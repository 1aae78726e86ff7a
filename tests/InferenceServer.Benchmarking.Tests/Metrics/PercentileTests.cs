using InferenceServer.Benchmarking.Metrics;

namespace InferenceServer.Benchmarking.Tests.Metrics;

/// <summary>Percentiles and summaries against values worked out by hand (numpy's linear interpolation).</summary>
public sealed class PercentileTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 2.5)]   // rank 1.5: halfway between 2 and 3
    [InlineData(90, 3.7)]   // rank 2.7: 3 + 0.7 * (4 - 3)
    [InlineData(99, 3.97)]  // rank 2.97
    [InlineData(100, 4.0)]
    public void Interpolates_linearly_between_closest_ranks(double p, double expected) =>
        Assert.Equal(expected, Percentile.Of([1, 2, 3, 4], p), 12);

    [Fact]
    public void One_value_is_every_percentile_and_none_gives_zero()
    {
        Assert.Equal(7, Percentile.Of([7], 99));
        Assert.Equal(0, Percentile.Of([], 50));
    }

    [Fact]
    public void Out_of_range_percentiles_are_refused() =>
        Assert.Throws<ArgumentException>(() => Percentile.Of([1], 101));

    [Fact]
    public void Summary_is_in_milliseconds_with_population_std()
    {
        var s = LatencySummary.FromSeconds([0.4, 0.1, 0.3, 0.2], [90, 99.9]);
        Assert.Equal(4, s.Count);
        Assert.Equal(250, s.Mean, 9);
        Assert.Equal(250, s.Median, 9);
        // Deviations 150, 50, 50, 150: sqrt((22500 + 2500 + 2500 + 22500) / 4) = sqrt(12500).
        Assert.Equal(Math.Sqrt(12500), s.Std, 9);
        Assert.Equal(370, s.Percentiles["p90"], 9);     // rank 2.7: 300 + 0.7 * 100
        Assert.Equal(399.7, s.Percentiles["p99.9"], 9); // rank 2.997
    }
}
