using System.Net;
using System.Text.Json.Nodes;
using Grpc.Health.V1;
using InferenceServer.Server.Serving;

namespace InferenceServer.Server.Tests;

/// <summary>
/// An engine that cannot go on takes the server out of service at once (health, readiness, gRPC health), tells the
/// streams in flight, logs, and stops the host so that the process exits and is restarted: never alive but dead.
/// </summary>
public sealed class EngineFaultTests
{
    [Fact]
    public async Task A_step_fault_fails_health_and_readiness_ends_streams_and_stops_the_host()
    {
        await using var server = await TestServer.StartAsync();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.App.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        var stream = await StalledStream.OpenAsync(server.BaseAddress);

        server.Model.Engine.InjectStepFault(new InvalidOperationException("a kernel failed"));

        var events = await stream.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal("service_unavailable_error", JsonNode.Parse(events[^2])!["error"]!["type"].Str());
        await stream.DisposeAsync();

        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var state = (ServerState)server.App.Services.GetService(typeof(ServerState))!;
        Assert.Contains("a kernel failed", state.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_step_fault_health_ready_and_grpc_health_say_not_serving()
    {
        await using var server = await TestServer.StartAsync();
        var faulted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Model.Engine.Faulted += _ => faulted.TrySetResult();
        // Hold the host's shutdown (it starts with these callbacks, before the listeners close) while the probes ask.
        var probed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.App.Lifetime.ApplicationStopping.Register(() => probed.Task.Wait(TimeSpan.FromSeconds(60)));
        var health = new Health.HealthClient(server.Grpc);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        try
        {
            server.Model.Engine.InjectStepFault(new InvalidOperationException("a kernel failed"));
            await faulted.Task.WaitAsync(TimeSpan.FromSeconds(60));

            var live = await server.Http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, live.StatusCode);
            Assert.Contains("a kernel failed", await live.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var ready = await server.Http.GetAsync("/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
            var (refused, _) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once", max_tokens = 2 });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }
        finally
        {
            probed.TrySetResult();
        }
    }
}
