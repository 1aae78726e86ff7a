using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Load;
using InferenceServer.Benchmarking.Metrics;

namespace InferenceServer.Benchmarking.Tests.Metrics;

/// <summary>Goodput, TPOT and throughput of a small run worked out by hand.</summary>
public sealed class GoodputTests
{
    // TPOT = (latency - TTFT) / (output - 1): a = 1.0 / 10 = 100 ms, b = 0.5 / 5 = 100 ms, c = 0.4 / 8 = 50 ms, d single token.
    private static readonly RequestOutcome A = Ok(ttft: 0.10, latency: 1.10, prompt: 10, output: 11);
    private static readonly RequestOutcome B = Ok(ttft: 0.30, latency: 0.80, prompt: 20, output: 6);
    private static readonly RequestOutcome C = Ok(ttft: 0.05, latency: 0.45, prompt: 30, output: 9);
    private static readonly RequestOutcome D = Ok(ttft: 0.02, latency: 0.02, prompt: 5, output: 1);
    private static readonly RequestOutcome Failed = new() { Success = false, Error = "HTTP 500: boom" };
    private static readonly RunOutcome Run = new([A, B, C, D, Failed, Failed], DurationSeconds: 2);

    private static RequestOutcome Ok(double ttft, double latency, int prompt, int output) =>
        new() { Success = true, Ttft = ttft, Latency = latency, PromptTokens = prompt, OutputTokens = output };

    [Fact]
    public void Tpot_is_time_after_the_first_token_per_further_token()
    {
        Assert.Equal(0.1, A.Tpot, 12);
        Assert.Equal(0.1, B.Tpot, 12);
        Assert.Equal(0.05, C.Tpot, 12);
        Assert.Equal(0, D.Tpot);
    }

    [Theory]
    [InlineData("ttft:200", 1.5)]            // a, c, d: 3 in 2 s
    [InlineData("ttft:200 tpot:60", 1.0)]    // c, d (d has no TPOT: 0)
    [InlineData("tpot:100", 2.0)]            // a, b, c, d: exactly at the bound counts
    [InlineData("e2el:500,ttft:40", 0.5)]    // d only
    public void Goodput_counts_successful_requests_meeting_every_slo_per_second(string slos, double expected)
    {
        var metrics = RunMetricsCalculator.Compute(Run, [99], GoodputSlos.Parse([slos]));
        Assert.Equal(expected, metrics.RequestGoodput!.Value, 12);
    }

    [Fact]
    public void Run_figures_count_successes_only_and_keep_the_errors()
    {
        var m = RunMetricsCalculator.Compute(Run, [50], new GoodputSlos());
        Assert.Equal(4, m.Completed);
        Assert.Equal(2, m.Failed);
        Assert.Null(m.RequestGoodput);
        Assert.Equal(65, m.TotalInputTokens);
        Assert.Equal(27, m.TotalOutputTokens);
        Assert.Equal(2.0, m.RequestThroughput, 12);
        Assert.Equal(13.5, m.OutputThroughput, 12);
        Assert.Equal(46, m.TotalTokenThroughput, 12);
        Assert.Equal(3, m.Tpot.Count); // the single-token request has no TPOT
        Assert.Equal(250.0 / 3, m.Tpot.Mean, 9);
        Assert.Equal(117.5, m.Ttft.Mean, 9); // (100 + 300 + 50 + 20) / 4
        Assert.Equal(75, m.Ttft.Median, 9);  // 20, 50, 100, 300: halfway between 50 and 100
        Assert.Equal(new Dictionary<string, int> { ["HTTP 500: boom"] = 2 }, m.Errors);
    }

    [Theory]
    [InlineData("ttft")]
    [InlineData("ttft:-1")]
    [InlineData("queue:5")]
    public void Bad_slos_are_refused_with_a_message(string text) =>
        Assert.Throws<ArgumentException>(() => GoodputSlos.Parse([text]));
}
