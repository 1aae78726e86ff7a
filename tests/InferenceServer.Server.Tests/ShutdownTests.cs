using System.Text.Json.Nodes;
using InferenceServer.Server.Hosting;

namespace InferenceServer.Server.Tests;

/// <summary>Stopping the server: no new connections, in-flight streams finish within the grace period or are cancelled after it.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_waits_for_an_in_flight_stream_to_finish_and_refuses_new_connections()
    {
        var server = await TestServer.StartAsync(o => o.ShutdownGraceSeconds = 30);
        await using var _ = server;
        // Four choices (~2 MB of events): one choice's ~0.5 MB can fit the loopback socket and pipe buffers, and then
        // the request finishes before the server is stopped (seen once in ~10 full runs).
        var stream = await StalledStream.OpenAsync(server.BaseAddress, choices: 4);
        var stopping = server.App.StopAsync();
        await Task.Delay(300);
        Assert.False(stopping.IsCompleted, "the server stopped under a stream in flight");
        Assert.True(((ServerState)server.App.Services.GetService(typeof(ServerState))!).IsStopping);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => new HttpClient().GetAsync(new Uri(server.BaseAddress, "/health")));

        // The client reads on: its stream runs to its natural end.
        var events = await stream.ReadToEndAsync();
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal("length", JsonNode.Parse(events[^2])!["choices"]![0]!["finish_reason"].Str());
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_still_running_after_the_grace_period_is_cancelled_and_its_blocks_freed()
    {
        var server = await TestServer.StartAsync(o => o.ShutdownGraceSeconds = 0.5);
        await using var _ = server;
        var stream = await StalledStream.OpenAsync(server.BaseAddress);
        var started = DateTime.UtcNow;
        await server.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        var engine = server.Model.Engine;
        await MetricsText.WaitUntilAsync(server.Http, () => Task.FromResult(engine.InFlight == 0 && engine.Stats.FreeBlocks == engine.Stats.TotalBlocks),
            "the cancelled stream's blocks are free");
        await stream.DisposeAsync();
    }
}
