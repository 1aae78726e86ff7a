using System.Text.Json;
using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Results;
using InferenceServer.TestSupport;

namespace InferenceServer.Benchmarking.Tests.Results;

/// <summary>The --result-json file: its schema (names a reader relies on) and a lossless round trip.</summary>
public sealed class ResultJsonTests
{
    private static readonly BenchmarkReport Sample = ReportSamples.Report(null,
        ReportSamples.Run(null, 2, ReportSamples.Ok(0.1, 1.0), ReportSamples.Ok(0.3, 1.2), new RequestOutcome { Success = false, Error = "HTTP 503: busy" }));

    [Fact]
    public void The_file_has_the_configuration_every_figure_and_every_request_under_snake_case_names()
    {
        using var dir = new TempDirectory();
        ResultJson.Write(Sample, dir.File("sub/out.json"));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("sub/out.json")));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        var config = root.GetProperty("config");
        Assert.Equal("http://127.0.0.1:8000", config.GetProperty("base_url").GetString());
        Assert.Equal("Infinity", config.GetProperty("load").GetProperty("request_rate").GetString());
        Assert.Equal("random", config.GetProperty("dataset").GetProperty("name").GetString());
        Assert.Equal("ttft:200", config.GetProperty("goodput").GetString());
        Assert.False(string.IsNullOrEmpty(config.GetProperty("machine").GetString()));

        var run = root.GetProperty("runs")[0];
        var metrics = run.GetProperty("metrics");
        foreach (string name in new[] { "completed", "failed", "duration_seconds", "total_input_tokens", "total_output_tokens", "request_throughput",
                     "request_goodput", "output_throughput", "total_token_throughput", "token_count_source", "errors" })
            Assert.True(metrics.TryGetProperty(name, out _), name);
        foreach (string latency in new[] { "ttft", "tpot", "itl", "e2el" })
            foreach (string figure in new[] { "count", "mean", "median", "std" })
                Assert.True(metrics.GetProperty(latency).TryGetProperty(figure, out _), $"{latency}.{figure}");
        Assert.Equal(200, metrics.GetProperty("ttft").GetProperty("percentiles").GetProperty("p50").GetDouble(), 9);
        Assert.Equal(1, metrics.GetProperty("errors").GetProperty("HTTP 503: busy").GetInt32());
        var requests = run.GetProperty("requests");
        Assert.Equal(3, requests.GetArrayLength());
        Assert.Equal(100, requests[0].GetProperty("ttft_ms").GetDouble(), 9);
        Assert.Equal("HTTP 503: busy", requests[2].GetProperty("error").GetString());
    }

    [Fact]
    public void Reading_gives_back_what_was_written()
    {
        using var dir = new TempDirectory();
        ResultJson.Write(Sample, dir.File("out.json"));
        var read = ResultJson.Read(dir.File("out.json"));
        Assert.Equal(JsonSerializer.Serialize(Sample, ResultJson.Options), JsonSerializer.Serialize(read, ResultJson.Options));
        Assert.True(double.IsPositiveInfinity(read.Config.Load.RequestRate));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"runs\": []}")]
    public void Files_that_are_not_results_are_refused(string text)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("x.json"), text);
        Assert.Throws<ArgumentException>(() => ResultJson.Read(dir.File("x.json")));
        Assert.Throws<ArgumentException>(() => ResultJson.Read(dir.File("missing.json")));
    }
}
