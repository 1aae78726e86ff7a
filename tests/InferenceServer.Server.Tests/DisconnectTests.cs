namespace InferenceServer.Server.Tests;

/// <summary>A client that goes away mid-stream cancels its request; its KV blocks are free again, as the metrics show.</summary>
[Collection(ServerCollection.Name)]
public sealed class DisconnectTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;
    private string Labels => $"model_name=\"{Server.Model.Name}\"";

    private Task<double> Metric(string name, string? extra = null) =>
        MetricsText.ReadAsync(Server.Http, name, extra is null ? Labels : Labels + "," + extra);

    [Fact]
    public async Task Disconnecting_mid_stream_aborts_the_request_and_frees_its_blocks()
    {
        double abortedBefore = await Metric("vllm:request_success_total", "finished_reason=\"abort\"");
        var stalled = await StalledStream.OpenAsync(Server.BaseAddress);
        // The engine reports its blocks after its next step.
        await MetricsText.WaitUntilAsync(Server.Http, async () => await Metric("vllm:kv_cache_usage_perc") > 0, "the request holds KV blocks");

        // The client goes away: the connection closes under the server's stream.
        await stalled.DisposeAsync();

        // The handler records the abort as it unwinds, which may be just after the engine freed the blocks.
        await MetricsText.WaitUntilAsync(Server.Http, async () =>
            await Metric("vllm:kv_cache_usage_perc") == 0 && await Metric("vllm:num_requests_running") == 0
            && await Metric("vllm:request_success_total", "finished_reason=\"abort\"") > abortedBefore,
            "the request is aborted and its blocks are free");
        Assert.Equal(Server.Model.Engine.Stats.TotalBlocks, Server.Model.Engine.Stats.FreeBlocks);
        Assert.Equal(abortedBefore + 1, await Metric("vllm:request_success_total", "finished_reason=\"abort\""));
        Assert.Equal(0, Server.Model.Engine.InFlight);
    }
}
