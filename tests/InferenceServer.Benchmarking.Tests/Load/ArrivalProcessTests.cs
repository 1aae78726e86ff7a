using InferenceServer.Benchmarking.Load;

namespace InferenceServer.Benchmarking.Tests.Load;

/// <summary>Arrival gaps: mean 1 / rate, coefficient of variation 1 / sqrt(burstiness), reproducible by seed.</summary>
public sealed class ArrivalProcessTests
{
    private static double[] Gaps(double rate, double burstiness, int seed, int n = 40_000)
    {
        var process = new ArrivalProcess(rate, burstiness, seed);
        return [.. Enumerable.Range(0, n).Select(_ => process.NextGapSeconds())];
    }

    [Theory]
    [InlineData(1.0)]  // Poisson: exponential gaps, CV 1
    [InlineData(0.25)] // bursty: CV 2
    [InlineData(4.0)]  // regular: CV 0.5
    public void Gaps_have_mean_one_over_rate_and_cv_one_over_sqrt_burstiness(double burstiness)
    {
        double[] gaps = Gaps(rate: 8, burstiness, seed: 3);
        double mean = gaps.Average();
        double cv = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Length) / mean;
        Assert.InRange(mean, 0.125 * 0.97, 0.125 * 1.03);
        Assert.InRange(cv, 1 / Math.Sqrt(burstiness) * 0.94, 1 / Math.Sqrt(burstiness) * 1.06);
        Assert.All(gaps, g => Assert.True(g >= 0));
    }

    [Fact]
    public void The_same_seed_gives_the_same_gaps_and_another_seed_others()
    {
        Assert.Equal(Gaps(2, 1, seed: 7, n: 50), Gaps(2, 1, seed: 7, n: 50));
        Assert.NotEqual(Gaps(2, 1, seed: 7, n: 50), Gaps(2, 1, seed: 8, n: 50));
    }

    [Fact]
    public void An_infinite_rate_sends_everything_at_once() =>
        Assert.All(Gaps(double.PositiveInfinity, 1, seed: 1, n: 10), g => Assert.Equal(0, g));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(1, 0)]
    public void Non_positive_rates_and_burstiness_are_refused(double rate, double burstiness) =>
        Assert.Throws<ArgumentException>(() => new ArrivalProcess(rate, burstiness, 1));
}
