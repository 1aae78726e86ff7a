using InferenceServer.Core.Errors;
using InferenceServer.TestSupport;
using InferenceServer.Versions.Config;

namespace InferenceServer.Versions.Tests;

public sealed class RoutingConfigReaderTests : IDisposable
{
    private static readonly string[] Versions = ["1", "2", "3"];
    private readonly TempDirectory _dir = new();

    private RoutingConfig Read(string json)
    {
        string path = _dir.File("routing.json");
        File.WriteAllText(path, json);
        return RoutingConfigReader.Read(path, "tiny", Versions);
    }

    [Fact]
    public void A_full_file_reads_into_the_configuration()
    {
        var c = Read("""
            {
              "stable": "1", "canary": "2", "canary_weight": 25, "steps": [10, 25, 60, 100],
              "evaluation_window_seconds": 30, "min_requests": 5,
              "rollback": { "error_rate_ratio": 2, "p95_latency_ratio": 1.2 },
              "sticky_header": "x-user", "shadow": { "version": "3", "sample_rate": 0.1 },
              "faults": { "2": { "error_rate": 0.5, "added_latency_ms": 250 } }
            }
            """);
        Assert.Equal(("1", "2", 25.0), (c.Stable, c.Canary, c.CanaryWeight));
        Assert.Equal([10.0, 25, 60, 100], c.Steps);
        Assert.Equal(TimeSpan.FromSeconds(30), c.EvaluationWindow);
        Assert.Equal((5, 2.0, 1.2), (c.MinRequests, c.ErrorRateRatio, c.P95LatencyRatio));
        Assert.Equal(("x-user", "3", 0.1), (c.StickyHeader, c.ShadowVersion, c.ShadowSampleRate));
        Assert.Equal(new FaultSpec(0.5, TimeSpan.FromMilliseconds(250)), c.Faults["2"]);
    }

    [Fact]
    public void Defaults_follow_the_documented_roll_out()
    {
        var c = Read("""{ "stable": "1", "canary": "2" }""");
        Assert.Equal(5, c.CanaryWeight);
        Assert.Equal([5.0, 25, 50, 100], c.Steps);
        Assert.Equal((1.5, 1.5, 20), (c.ErrorRateRatio, c.P95LatencyRatio, c.MinRequests));
        Assert.Equal(0, Read("""{ "stable": "1" }""").CanaryWeight);
    }

    [Theory]
    [InlineData("""{ "canary": "2" }""", "'stable' is missing")]
    [InlineData("""{ "stable": "9" }""", "stable: version '9' of model 'tiny' has no manifest (known: 1, 2, 3)")]
    [InlineData("""{ "stable": "1", "canary": "1" }""", "'canary' must differ from 'stable'")]
    [InlineData("""{ "stable": "1", "canary": "2", "steps": [50, 25, 100] }""", "'steps' must increase")]
    [InlineData("""{ "stable": "1", "canary": "2", "steps": [5, 50] }""", "'steps' must end at 100")]
    [InlineData("""{ "stable": "1", "canary": "2", "canary_weight": 150 }""", "'canary_weight' must be in [0, 100]")]
    [InlineData("""{ "stable": "1", "canary_weight": 10 }""", "'canary_weight' without a 'canary'")]
    [InlineData("""{ "stable": "1", "canry": "2" }""", "canry")]
    [InlineData("""{ "stable": "1", "faults": { "2": { "error_rate": 2, "added_latency_ms": 0 } } }""", "faults.2.error_rate must be in [0, 1]")]
    [InlineData("""{ "stable": "1", "shadow": { "version": "1", "sample_rate": 0.5 } }""", "'shadow.version' must differ from 'stable'")]
    [InlineData("""{ "stable": 1 """, "invalid routing file")]
    public void Bad_files_are_refused_naming_the_file_and_the_problem(string json, string message)
    {
        var e = Assert.Throws<ModelLoadException>(() => Read(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("routing.json", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
