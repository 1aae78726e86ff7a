using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.Server.Grpc.V1;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>A canary that fails (by injected fault) is rolled back automatically; operators steer the roll-out through the admin API.</summary>
public sealed class CanaryRollbackTests : IAsyncLifetime
{
    private const string Routing = """
        { "stable": "1", "canary": "2", "canary_weight": 50, "steps": [50, 100],
          "evaluation_window_seconds": 3600, "min_requests": 5,
          "faults": { "2": { "error_rate": 1.0, "added_latency_ms": 0 } } }
        """;

    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() => _server = await VersionedTestServer.StartAsync(Routing);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_faulty_canary_is_rolled_back_while_stable_traffic_sees_no_errors()
    {
        int canaryFailures = 0;
        for (int i = 0; i < 40; i++)
        {
            var (status, version, body) = await _server.CompleteAsync($"user-{i}");
            if (version == "2")
            {
                Assert.Equal(500, status);
                Assert.Equal("internal_error", body["error"]!["type"]!.GetValue<string>());
                canaryFailures++;
            }
            else
            {
                Assert.Equal("1", version);
                Assert.Equal(200, status);
            }
        }
        Assert.True(canaryFailures >= 5, $"only {canaryFailures} requests reached the canary");

        // Outcomes are recorded once each response completes, so the rollback may trail the last reply briefly.
        var state = await WaitForAsync(s => s["canary_weight"]!.GetValue<double>() == 0);
        Assert.Equal(1, state["rollbacks"]!.GetValue<long>());
        var last = state["history"]!.AsArray().Last()!;
        Assert.Equal("Rollback", last["kind"]!.ToString());
        Assert.Contains("error rate", last["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        for (int i = 0; i < 20; i++)
        {
            var (status, version, _) = await _server.CompleteAsync($"user-{i}");
            Assert.Equal((200, "1"), (status, version));
        }
        string metrics = await _server.Http.GetStringAsync("/metrics");
        Assert.Contains("inference_server_canary_rollbacks_total{model_name=\"story\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("inference_server_version_requests_total{model_name=\"story\",version=\"2\",outcome=\"error\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("inference_server_version_requests_total{model_name=\"story\",version=\"1\",outcome=\"ok\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("inference_server_canary_weight_percent{model_name=\"story\",stable=\"1\",canary=\"2\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_added_latency_fault_set_through_the_admin_api_rolls_the_canary_back_on_p95()
    {
        var (response, _) = await Json.PostAsync(_server.Http, "/admin/routing/story/faults", new { version = "2", error_rate = 0.0, added_latency_ms = 300 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        for (int i = 0; i < 16; i++)
        {
            var (status, _, _) = await _server.CompleteAsync($"user-{i}");
            Assert.Equal(200, status);
        }
        var state = await WaitForAsync(s => s["canary_weight"]!.GetValue<double>() == 0);
        Assert.Equal(0, state["canary_weight"]!.GetValue<double>());
        Assert.Contains("p95 latency", state["history"]!.AsArray().Last()!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_calls_set_faults_and_weight_and_promote()
    {
        var (response, state) = await Json.PostAsync(_server.Http, "/admin/routing/story/faults", new { version = "2", error_rate = 0.0, added_latency_ms = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, state["faults"]!["2"]!["error_rate"]!.GetValue<double>());

        (response, state) = await Json.PostAsync(_server.Http, "/admin/routing/story/weight", new { weight = 100 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        for (int i = 0; i < 5; i++)
        {
            var (status, version, _) = await _server.CompleteAsync($"user-{i}");
            Assert.Equal((200, "2"), (status, version));
        }

        (response, state) = await Json.PostAsync(_server.Http, "/admin/routing/story/weight", new { weight = 150 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("canary_weight", state["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (response, state) = await Json.PostAsync(_server.Http, "/admin/routing/story/promote", new { reason = "drill" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", state["stable"]!.GetValue<string>());
        Assert.Null(state["canary"]);

        (response, _) = await Json.PostAsync(_server.Http, "/admin/routing/nothing/rollback", new { });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_faulty_version_fails_grpc_calls_with_internal_and_counts_them()
    {
        var client = new Inference.InferenceClient(_server.Grpc);
        var headers = new Metadata { { "authorization", $"Bearer {VersionedTestServer.Key}" } };
        for (int i = 0; i < 5; i++)
        {
            using var call = client.Generate(new GenerateRequest { Model = "story@2", Text = "Once", Sampling = new SamplingParameters { MaxTokens = 1 } }, headers);
            var e = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.Internal, e.StatusCode);
        }
        var state = await WaitForAsync(s => s["window"]!["2"]!["errors"]!.GetValue<int>() == 5 || s["canary_weight"]!.GetValue<double>() == 0);
        // Five failures reach min_requests: the canary is rolled back, which starts a new (empty) window.
        Assert.Equal(0, state["canary_weight"]!.GetValue<double>());
    }

    private async Task<JsonNode> WaitForAsync(Func<JsonNode, bool> done)
    {
        for (int i = 0; ; i++)
        {
            var state = JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray().Single()!;
            if (done(state) || i == 50) return state;
            await Task.Delay(100);
        }
    }
}
