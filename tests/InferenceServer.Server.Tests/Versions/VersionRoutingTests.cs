using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.Server.Errors;
using InferenceServer.Server.Grpc.V1;
using InferenceServer.Server.Versions;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>Two versions of one model side by side: the canary's weight of the traffic, sticky users, pinned versions, the version header.</summary>
public sealed class VersionRoutingTests : IAsyncLifetime
{
    // A window and a minimum nobody reaches here, so the routing stays as written.
    private const string Routing = """
        { "stable": "1", "canary": "2", "canary_weight": 30, "steps": [30, 100],
          "evaluation_window_seconds": 3600, "min_requests": 100000 }
        """;

    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() => _server = await VersionedTestServer.StartAsync(Routing);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Distinct_users_split_by_the_canary_weight()
    {
        const int Requests = 200;
        int canary = 0;
        for (int i = 0; i < Requests; i++)
        {
            var (status, version, _) = await _server.CompleteAsync($"user-{i}");
            Assert.Equal(200, status);
            Assert.Contains(version, new[] { "1", "2" });
            if (version == "2") canary++;
        }
        // 30 % of 200 is 60, with a binomial standard deviation of about 6.5: four of them either side.
        Assert.InRange(canary, 34, 86);
    }

    [Fact]
    public async Task A_user_stays_on_one_version_and_the_response_names_the_model()
    {
        var versions = new HashSet<string?>();
        for (int i = 0; i < 15; i++)
        {
            var (status, version, body) = await _server.CompleteAsync("alice");
            Assert.Equal(200, status);
            Assert.Equal(VersionedTestServer.Model, body["model"]!.GetValue<string>());
            versions.Add(version);
        }
        Assert.NotNull(Assert.Single(versions));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task A_pinned_version_serves_every_request(string version)
    {
        for (int i = 0; i < 10; i++)
        {
            var (status, served, _) = await _server.CompleteAsync($"user-{i}", $"{VersionedTestServer.Model}@{version}");
            Assert.Equal(200, status);
            Assert.Equal(version, served);
        }
    }

    [Theory]
    [InlineData("story@9")]
    [InlineData("nothing")]
    public async Task Unknown_models_and_versions_are_404_model_not_found(string model)
    {
        var (status, version, body) = await _server.CompleteAsync("bob", model);
        Assert.Equal(404, status);
        Assert.Null(version);
        Assert.Equal("model_not_found", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_routing_decision_needs_no_request()
    {
        var catalog = (ModelCatalog)_server.App.Services.GetService(typeof(ModelCatalog))!;
        var pinned = catalog.Route($"{VersionedTestServer.Model}@2", null, _ => null);
        Assert.Equal("2", pinned.Version);
        Assert.Same(catalog.Models[VersionedTestServer.Model], pinned.Model);
        Assert.False(pinned.FaultFails);
        // Sticky by user: the same user gets the same version every time.
        string first = catalog.Route(VersionedTestServer.Model, "carol", _ => null).Version!;
        for (int i = 0; i < 5; i++) Assert.Equal(first, catalog.Route(VersionedTestServer.Model, "carol", _ => null).Version);
        var missing = Assert.Throws<ServerException>(() => catalog.Route($"{VersionedTestServer.Model}@9", null, _ => null));
        Assert.Equal(ServerErrorKind.NotFound, missing.Kind);
        Assert.Equal("model_not_found", missing.Code);
    }

    [Fact]
    public async Task Grpc_generate_routes_the_pinned_version_and_names_it_in_metadata()
    {
        var client = new Inference.InferenceClient(_server.Grpc);
        var headers = new Metadata { { "authorization", $"Bearer {VersionedTestServer.Key}" } };
        using var call = client.Generate(new GenerateRequest { Model = "story@2", Text = "Once", Sampling = new SamplingParameters { Temperature = 0, MaxTokens = 2 } }, headers);
        var metadata = await call.ResponseHeadersAsync;
        Assert.Equal("2", metadata.GetValue(HttpRouting.VersionHeader));
        int messages = 0;
        await foreach (var _ in call.ResponseStream.ReadAllAsync()) messages++;
        Assert.True(messages > 0);

        var models = await client.ListModelsAsync(new ListModelsRequest(), headers);
        Assert.Equal([("story", "1"), ("story", "2")], models.Models.Select(m => (m.Id, m.Version)));
    }

    [Fact]
    public async Task Models_lists_each_name_once()
    {
        var body = JsonNode.Parse(await _server.Http.GetStringAsync("/v1/models"))!;
        var ids = body["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([VersionedTestServer.Model], ids);
    }

    [Fact]
    public async Task Admin_routing_needs_the_key_and_shows_the_state()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Anonymous.GetAsync("/admin/routing")).StatusCode);
        using var anonymous = await _server.Anonymous.PostAsync("/admin/routing/story/rollback", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // A client's mistake says nothing about the version: not counted in its window.
        var (bad, _) = await Json.PostAsync(_server.Http, "/v1/completions", new { model = "story@1", prompt = "Once", max_tokens = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(200, (await _server.CompleteAsync("carol", "story@1")).Status);
        JsonNode state;
        // The outcome is recorded when the response completes, a moment after the client has it.
        for (int i = 0; ; i++)
        {
            state = JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray().Single()!;
            if (state["window"]!["1"]!["requests"]!.GetValue<int>() >= 1 || i == 50) break;
            await Task.Delay(50);
        }
        Assert.Equal(1, state["window"]!["1"]!["requests"]!.GetValue<int>());
        Assert.True(state["window"]!["1"]!["p95_time_to_first_token"]!.GetValue<double>() > 0);
        Assert.Equal("story", state["model"]!.GetValue<string>());
        Assert.Equal("1", state["stable"]!.GetValue<string>());
        Assert.Equal("2", state["canary"]!.GetValue<string>());
        Assert.Equal(30, state["canary_weight"]!.GetValue<double>());
        Assert.Equal(["1", "2"], state["loaded"]!.AsArray().Select(v => v!.GetValue<string>()));
    }
}
