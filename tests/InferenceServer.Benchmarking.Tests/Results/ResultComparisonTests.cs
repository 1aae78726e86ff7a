using InferenceServer.Benchmarking.Results;

namespace InferenceServer.Benchmarking.Tests.Results;

/// <summary>`bench compare`: b / a of each headline figure, run by run.</summary>
public sealed class ResultComparisonTests
{
    [Fact]
    public void Ratios_are_b_over_a_for_each_headline_figure()
    {
        // a: 2 requests in 2 s, TTFTs 100 and 300 ms; b: the same 2 requests in 1 s, TTFTs 50 and 150 ms.
        var a = ReportSamples.Report(null, ReportSamples.Run(null, 2, ReportSamples.Ok(0.1, 1.0), ReportSamples.Ok(0.3, 1.2)));
        var b = ReportSamples.Report(null, ReportSamples.Run(null, 1, ReportSamples.Ok(0.05, 0.5), ReportSamples.Ok(0.15, 0.6)));
        var rows = ResultComparison.Compare(a, b).ToDictionary(r => r.Figure);
        Assert.Equal(HeadlineFigures.All.Count, rows.Count);
        Assert.Equal(2.0, rows["request throughput"].Ratio!.Value, 9);
        Assert.Equal(2.0, rows["output throughput"].Ratio!.Value, 9);
        Assert.Equal(0.5, rows["mean TTFT"].Ratio!.Value, 9);
        Assert.Equal(0.5, rows["median E2E latency"].Ratio!.Value, 9);
        Assert.Equal(200, rows["mean TTFT"].A!.Value, 9);
        Assert.Equal(100, rows["mean TTFT"].B!.Value, 9);
        Assert.False(rows["mean TTFT"].HigherIsBetter);
        // Goodput (ttft:200): a has 1 good request in 2 s, b 2 in 1 s.
        Assert.Equal(4.0, rows["request goodput"].Ratio!.Value, 9);
    }

    [Fact]
    public void Sweeps_are_compared_point_by_point_and_must_have_as_many_points()
    {
        var a = ReportSamples.Report("max-concurrency=1,2", ReportSamples.Run("1", 1, ReportSamples.Ok(0.1, 1)), ReportSamples.Run("2", 1, ReportSamples.Ok(0.1, 1)));
        var b = ReportSamples.Report("max-concurrency=1,2", ReportSamples.Run("1", 1, ReportSamples.Ok(0.1, 1)), ReportSamples.Run("2", 0.5, ReportSamples.Ok(0.1, 1)));
        var rows = ResultComparison.Compare(a, b);
        Assert.Equal(["1", "2"], rows.Select(r => r.Run).Distinct());
        Assert.Equal(2.0, rows.Single(r => r.Run == "2" && r.Figure == "request throughput").Ratio!.Value, 9);
        var single = ReportSamples.Report(null, ReportSamples.Run(null, 1, ReportSamples.Ok(0.1, 1)));
        Assert.Throws<ArgumentException>(() => ResultComparison.Compare(a, single));
    }
}
