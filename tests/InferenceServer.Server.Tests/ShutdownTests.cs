using System.Text.Json.Nodes;
using InferenceServer.Server.Serving;

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
    public async Task Readiness_says_503_while_the_listeners_still_take_connections()
    {
        var server = await TestServer.StartAsync(o => o.ShutdownReadinessDelaySeconds = 3);
        await using var _ = server;
        using var probe = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await probe.GetAsync("/ready")).StatusCode);
        // As SIGTERM does: the stop runs on another thread, holding the listeners open through the readiness delay.
        var stopping = Task.Run(() => server.App.StopAsync());
        var state = (ServerState)server.App.Services.GetService(typeof(ServerState))!;
        await MetricsText.WaitUntilAsync(server.Http, () => Task.FromResult(state.IsStopping), "the server is stopping");

        // A new connection is still accepted and told to go away.
        using var fresh = new HttpClient { BaseAddress = server.BaseAddress };
        var ready = await fresh.GetAsync("/ready");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("shutting down", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (refused, _) = await Json.PostAsync(fresh, "/v1/completions", new { prompt = "Once", max_tokens = 2 });
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_stream_still_running_when_the_grace_period_ends_gets_an_error_event_and_done()
    {
        // Generations end 0.5 s before the 2 s grace runs out, time enough for the client to read the rest.
        var server = await TestServer.StartAsync(o => o.ShutdownGraceSeconds = 2);
        await using var _ = server;
        // Four choices, so the answer is far more than the buffers hold and cannot finish while the client waits.
        var stream = await StalledStream.OpenAsync(server.BaseAddress, choices: 4);
        var started = DateTime.UtcNow;
        var stopping = server.App.StopAsync();
        // The client reads again only after the engine ended its request (just before the grace ran out).
        await MetricsText.WaitUntilAsync(server.Http, () => Task.FromResult(server.Model.Engine.InFlight == 0), "the request was ended");
        var events = await stream.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("[DONE]", events[^1]);
        Assert.True(JsonNode.Parse(events[^2])!["error"] is { } error && error["type"].Str() == "service_unavailable_error", $"last event: {events[^2]}");
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        await stream.DisposeAsync();
    }
}
