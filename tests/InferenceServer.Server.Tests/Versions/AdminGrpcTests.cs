using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.Server.Admin.V1;
using AdminService = InferenceServer.Server.Admin.V1.Admin;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>The gRPC admin service with a real gRPC client: the HTTP admin API's operations, behind the key, errors as statuses.</summary>
public sealed class AdminGrpcTests : IAsyncLifetime
{
    private static readonly Metadata Key = new() { { "authorization", $"Bearer {VersionedTestServer.Key}" } };

    private VersionedTestServer _server = null!;

    private AdminService.AdminClient Client => new(_server.Grpc);

    public async Task InitializeAsync() =>
        _server = await VersionedTestServer.StartAsync("""{ "stable": "1" }""", o => o.KvCacheShares["story@2"] = 1);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Versions_load_route_roll_back_and_unload_through_grpc_as_through_http()
    {
        var routing = (await Client.GetRoutingAsync(new GetRoutingRequest(), Key)).Models.Single();
        Assert.Equal(("story", "1", ""), (routing.Model, routing.Stable, routing.Canary));
        Assert.Equal(["1"], routing.Loaded);

        routing = await Client.LoadVersionAsync(new LoadVersionRequest { Model = "story", Version = "2" }, Key);
        Assert.Equal(["1", "2"], routing.Loaded);
        Assert.Equal(("2", 0.0), (routing.Canary, routing.CanaryWeight));

        routing = await Client.SetWeightAsync(new SetWeightRequest { Model = "story", Weight = 100, Reason = "all in" }, Key);
        Assert.Equal(100, routing.CanaryWeight);
        Assert.Equal("all in", routing.History[^1].Reason);
        var (status, version, _) = await _server.CompleteAsync("u");
        Assert.Equal((200, "2"), (status, version));

        // The HTTP API sees the same state: both call one implementation.
        var http = JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray().Single()!;
        Assert.Equal(100, http["canary_weight"]!.GetValue<double>());

        routing = await Client.SetFaultsAsync(new SetFaultsRequest { Model = "story", Version = "2", ErrorRate = 0.5, AddedLatencyMs = 10 }, Key);
        Assert.Equal((0.5, 10.0), (routing.Faults["2"].ErrorRate, routing.Faults["2"].AddedLatencyMs));

        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.UnloadVersionAsync(new UnloadVersionRequest { Model = "story", Version = "2" }, Key));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("roll it back first", e.Status.Detail, StringComparison.Ordinal);

        routing = await Client.RollbackAsync(new ModelChangeRequest { Model = "story" }, Key);
        Assert.Equal((0.0, 1L), (routing.CanaryWeight, routing.Rollbacks));
        Assert.Equal("Rollback", routing.History[^1].Kind);

        routing = await Client.UnloadVersionAsync(new UnloadVersionRequest { Model = "story", Version = "2", GraceSeconds = 5 }, Key);
        Assert.Equal(["1"], routing.Loaded);
        Assert.Equal("", routing.Canary);
        // Its faults went with it.
        Assert.Empty(routing.Faults);
    }

    [Fact]
    public async Task Promote_makes_the_canary_stable()
    {
        await Client.LoadVersionAsync(new LoadVersionRequest { Model = "story", Version = "2" }, Key);
        var routing = await Client.PromoteAsync(new ModelChangeRequest { Model = "story", Reason = "drill" }, Key);
        Assert.Equal(("2", ""), (routing.Stable, routing.Canary));
        Assert.Equal(("Promote", "drill"), (routing.History[^1].Kind, routing.History[^1].Reason));
        // The former stable version takes no traffic now, so it may go.
        routing = await Client.UnloadVersionAsync(new UnloadVersionRequest { Model = "story", Version = "1" }, Key);
        Assert.Equal(["2"], routing.Loaded);
        var (status, version, _) = await _server.CompleteAsync("u");
        Assert.Equal((200, "2"), (status, version));
        // Calls that name no version still answer (the server's first engine is gone, its tokenizer is not).
        var (tokenized, tokens) = await Json.PostAsync(_server.Http, "/tokenize", new { model = "story", prompt = "Once upon a time" });
        Assert.Equal(System.Net.HttpStatusCode.OK, tokenized.StatusCode);
        Assert.NotEmpty(tokens["tokens"]!.AsArray());

        // Version 1 held half the budget from the start: unloaded, that half is free again for a load.
        routing = await Client.LoadVersionAsync(new LoadVersionRequest { Model = "story", Version = "1" }, Key);
        Assert.Equal(["1", "2"], routing.Loaded);
        Assert.Equal(("2", "1"), (routing.Stable, routing.Canary));
    }

    [Fact]
    public async Task Bad_calls_get_grpc_statuses()
    {
        async Task<RpcException> Fails(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.Unauthenticated, (await Fails(async () => await Client.GetRoutingAsync(new GetRoutingRequest()))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Fails(async () => await Client.LoadVersionAsync(new LoadVersionRequest { Model = "story", Version = "2" }))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Fails(async () => await Client.RollbackAsync(new ModelChangeRequest { Model = "nothing" }, Key))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Fails(async () => await Client.LoadVersionAsync(new LoadVersionRequest { Model = "story", Version = "9" }, Key))).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Fails(async () => await Client.PromoteAsync(new ModelChangeRequest { Model = "story" }, Key))).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Fails(async () => await Client.UnloadVersionAsync(new UnloadVersionRequest { Model = "story", Version = "1" }, Key))).StatusCode);
        var e = await Fails(async () => await Client.SetWeightAsync(new SetWeightRequest { Model = "story", Weight = 10 }, Key));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("'canary_weight' without a 'canary'", e.Status.Detail, StringComparison.Ordinal);
        e = await Fails(async () => await Client.SetFaultsAsync(new SetFaultsRequest { Model = "story", Version = "1", ErrorRate = 2 }, Key));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        e = await Fails(async () => await Client.LoadVersionAsync(new LoadVersionRequest { Model = "story", Version = "2", KvCacheMemory = 64 << 20 }, Key));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("budget are free", e.Status.Detail, StringComparison.Ordinal);
    }
}
