using InferenceServer.Benchmarking.Sweeps;

namespace InferenceServer.Benchmarking.Tests.Results;

/// <summary>--sweep parsing.</summary>
public sealed class SweepSpecTests
{
    [Fact]
    public void Parses_concurrencies_and_rates_with_inf()
    {
        Assert.Equal([1.0, 2, 4], SweepSpec.Parse("max-concurrency=1,2,4").Values);
        var rates = SweepSpec.Parse("request-rate=0.5, 2,inf");
        Assert.Equal(SweepSpec.RequestRate, rates.Parameter);
        Assert.Equal([0.5, 2, double.PositiveInfinity], rates.Values);
        Assert.Equal("inf", SweepSpec.Format(rates.Values[2]));
    }

    [Theory]
    [InlineData("max-concurrency")]
    [InlineData("max-concurrency=")]
    [InlineData("max-concurrency=0")]
    [InlineData("max-concurrency=1.5")]
    [InlineData("request-rate=-1")]
    [InlineData("temperature=1,2")]
    public void Bad_sweeps_are_refused(string text) => Assert.Throws<ArgumentException>(() => SweepSpec.Parse(text));
}
