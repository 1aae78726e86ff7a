using System.Text.Json.Nodes;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>A healthy canary advances one step per window until it is promoted; routing-file edits take effect without a restart.</summary>
public sealed class CanaryPromotionTests : IAsyncLifetime
{
    // Latency is no test of health here (two tiny engines on a shared CPU), so only errors could roll it back.
    private const string Routing = """
        { "stable": "1", "canary": "2", "canary_weight": 25, "steps": [25, 50, 100],
          "evaluation_window_seconds": 1, "min_requests": 3, "rollback": { "p95_latency_ratio": 1000 } }
        """;

    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() => _server = await VersionedTestServer.StartAsync(Routing);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_healthy_canary_is_promoted_step_by_step()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonNode state;
        int i = 0;
        do
        {
            var (status, _, _) = await _server.CompleteAsync($"user-{i++}");
            Assert.Equal(200, status);
            state = await StateAsync();
        }
        while (state["stable"]!.GetValue<string>() != "2" && DateTime.UtcNow < deadline);

        Assert.Equal("2", state["stable"]!.GetValue<string>());
        var steps = state["history"]!.AsArray().Select(e => (e!["kind"]!.GetValue<string>(), e["to_weight"]!.GetValue<double>())).ToList();
        Assert.Equal([("Advance", 50.0), ("Promote", 0.0)], steps);
        var (after, version, _) = await _server.CompleteAsync("after");
        Assert.Equal((200, "2"), (after, version));
    }

    [Fact]
    public async Task Routing_file_edits_are_picked_up_and_invalid_ones_ignored()
    {
        await File.WriteAllTextAsync(_server.RoutingPath, """{ "stable": "1", "canary": "9" }""");
        await File.WriteAllTextAsync(_server.RoutingPath, """{ "stable": "2" }""");
        JsonNode state = await StateAsync();
        for (int i = 0; i < 50 && state["stable"]!.GetValue<string>() != "2"; i++)
        {
            await Task.Delay(100);
            state = await StateAsync();
        }
        Assert.Equal("2", state["stable"]!.GetValue<string>());
        Assert.Contains("routing file", state["history"]!.AsArray().Last()!["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(_server.RoutingPath, """{ "stable": "1", "canary": "9" }""");
        await Task.Delay(800);
        Assert.Equal("2", (await StateAsync())["stable"]!.GetValue<string>());
    }

    private async Task<JsonNode> StateAsync() =>
        JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray().Single()!;
}
