using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.TestSupport;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>
/// Versions loaded and unloaded through the HTTP admin API while the server runs: only version 1 is loaded at start,
/// and the KV-cache shares keep half of the budget free for version 2.
/// </summary>
public sealed class VersionLoadTests : IAsyncLifetime
{
    private const string Load = "/admin/models/story/versions/2/load";
    private const string Unload = "/admin/models/story/versions/2/unload";

    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await VersionedTestServer.StartAsync("""{ "stable": "1" }""", o => o.KvCacheShares["story@2"] = 1);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_loaded_version_is_the_canary_at_zero_and_serves_pins_until_it_is_unloaded()
    {
        Assert.Equal(["1"], (await StateAsync())["loaded"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(404, (await _server.CompleteAsync("u", "story@2")).Status);

        var (response, state) = await Json.PostAsync(_server.Http, Load, new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["1", "2"], state["loaded"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(("1", "2", 0.0), (state["stable"]!.GetValue<string>(), state["canary"]!.GetValue<string>(), state["canary_weight"]!.GetValue<double>()));
        Assert.Equal((200, "2"), Pick(await _server.CompleteAsync("u", "story@2")));
        // At 0 % the canary gets no routed traffic.
        for (int i = 0; i < 10; i++) Assert.Equal((200, "1"), Pick(await _server.CompleteAsync($"user-{i}")));

        (response, state) = await Json.PostAsync(_server.Http, Load, new { });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already loaded", state["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (response, _) = await Json.PostAsync(_server.Http, "/admin/routing/story/weight", new { weight = 100 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((200, "2"), Pick(await _server.CompleteAsync("u")));
        (response, state) = await Json.PostAsync(_server.Http, Unload, new { });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("roll it back first", state["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (response, _) = await Json.PostAsync(_server.Http, "/admin/routing/story/rollback", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        (response, state) = await Json.PostAsync(_server.Http, Unload, new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["1"], state["loaded"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Null(state["canary"]);
        var pinned = await _server.CompleteAsync("u", "story@2");
        Assert.Equal((404, "model_not_found"), (pinned.Status, pinned.Body["error"]!["code"]!.GetValue<string>()));
        Assert.Equal((200, "1"), Pick(await _server.CompleteAsync("u")));

        // Its KV cache went back to the budget: it loads again.
        (response, _) = await Json.PostAsync(_server.Http, Load, new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bad_loads_and_unloads_get_clear_errors()
    {
        var (response, body) = await Json.PostAsync(_server.Http, "/admin/models/story/versions/9/load", new { });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("has no manifest", Message(body), StringComparison.Ordinal);
        (response, body) = await Json.PostAsync(_server.Http, "/admin/models/nothing/versions/1/load", new { });
        Assert.Equal((HttpStatusCode.NotFound, "model_not_found"), (response.StatusCode, body["error"]!["code"]!.GetValue<string>()));
        (response, body) = await Json.PostAsync(_server.Http, "/admin/models/story/versions/..%2F1/load", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a version label", Message(body), StringComparison.Ordinal);
        (response, body) = await Json.PostAsync(_server.Http, Load, new { kv_cache_memory = -5 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("kv_cache_memory", body["error"]!["param"]!.GetValue<string>());
        // More than the free half of the budget.
        (response, body) = await Json.PostAsync(_server.Http, Load, new { kv_cache_memory = 12 << 20 });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("budget are free", Message(body), StringComparison.Ordinal);
        // Room for fewer tokens than one context.
        (response, body) = await Json.PostAsync(_server.Http, Load, new { kv_cache_memory = 4096 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("less than one full context", Message(body), StringComparison.Ordinal);

        (response, body) = await Json.PostAsync(_server.Http, "/admin/models/story/versions/1/unload", new { });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("is the stable version", Message(body), StringComparison.Ordinal);
        (response, body) = await Json.PostAsync(_server.Http, Unload, new { });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("is not loaded", Message(body), StringComparison.Ordinal);
        (response, _) = await Json.PostAsync(_server.Anonymous, Load, new { });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // The failed loads gave their KV cache back: the version's share is still free.
        (response, _) = await Json.PostAsync(_server.Http, Load, new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_routing_file_that_names_the_version_applies_once_it_is_loaded()
    {
        await File.WriteAllTextAsync(_server.RoutingPath, """{ "stable": "1", "canary": "2", "canary_weight": 25, "steps": [25, 100] }""");
        // Version 2 is not loaded yet, so the watcher rejects the edit and the routing stays as it was.
        await Task.Delay(RoutingSettle);
        Assert.Null((await StateAsync())["canary"]);

        var (response, state) = await Json.PostAsync(_server.Http, Load, new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("2", 25.0), (state["canary"]!.GetValue<string>(), state["canary_weight"]!.GetValue<double>()));
        Assert.Contains("routing file", state["history"]!.AsArray().Last()!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unloading_lets_a_running_request_finish_within_the_grace()
    {
        Assert.Equal(HttpStatusCode.OK, (await Json.PostAsync(_server.Http, Load, new { })).Response.StatusCode);
        await using var stream = await StalledStream.OpenAsync(_server.Http.BaseAddress!, VersionedTestServer.Key, "story@2");
        var unload = Json.PostAsync(_server.Http, Unload, new { grace_seconds = 60 });
        await Task.Delay(300);
        Assert.False(unload.IsCompleted, "the unload did not wait for the running request");
        var events = await stream.ReadToEndAsync();
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"error\"", StringComparison.Ordinal));
        var (response, state) = await unload;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["1"], state["loaded"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Unloading_without_grace_fails_a_running_request_cleanly()
    {
        Assert.Equal(HttpStatusCode.OK, (await Json.PostAsync(_server.Http, Load, new { })).Response.StatusCode);
        await using var stream = await StalledStream.OpenAsync(_server.Http.BaseAddress!, VersionedTestServer.Key, "story@2");
        var (response, _) = await Json.PostAsync(_server.Http, Unload, new { grace_seconds = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await stream.ReadToEndAsync();
        // The status was sent long ago, so the failure is the stream's last event: an OpenAI error, then [DONE].
        var error = events.Select(e => e == "[DONE]" ? null : JsonNode.Parse(e)).Last(e => e is not null)!;
        Assert.Equal("service_unavailable_error", error["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stable_traffic_sees_no_errors_while_a_version_is_loaded_and_unloaded_again_and_again()
    {
        using var stop = new CancellationTokenSource();
        async Task<List<int>> Client(int c)
        {
            var statuses = new List<int>();
            for (int i = 0; !stop.IsCancellationRequested; i++) statuses.Add((await _server.CompleteAsync($"client-{c}-{i}")).Status);
            return statuses;
        }
        var clients = Enumerable.Range(0, 4).Select(Client).ToList();
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Json.PostAsync(_server.Http, Load, new { })).Response.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Json.PostAsync(_server.Http, Unload, new { grace_seconds = 0 })).Response.StatusCode);
        }
        await stop.CancelAsync();
        var all = (await Task.WhenAll(clients)).SelectMany(s => s).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, status => Assert.Equal(200, status));
    }

    [Fact]
    public async Task A_model_added_to_the_folder_after_start_is_served_once_its_first_version_loads()
    {
        var (response, body) = await Json.PostAsync(_server.Http, "/admin/models/tale/versions/1/load", new { });
        Assert.Equal((HttpStatusCode.NotFound, "model_not_found"), (response.StatusCode, body["error"]!["code"]!.GetValue<string>()));

        string folder = Directory.CreateDirectory(Path.Combine(_server.Dir, "tale")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "1.json"), $$"""{"name": "tale", "version": "1", "path": "{{SharedModels.TinyStoriesQ8Gguf}}"}""");
        await File.WriteAllTextAsync(Path.Combine(folder, "2.json"), $$"""{"name": "tale", "version": "2", "path": "{{SharedModels.TinyStories}}"}""");
        await File.WriteAllTextAsync(Path.Combine(folder, "routing.json"), """{ "stable": "1", "canary": "2", "canary_weight": 20 }""");

        // Small explicit KV caches: the budget's free half would otherwise go to the first load whole.
        (response, body) = await Json.PostAsync(_server.Http, "/admin/models/tale/versions/1/load", new { kv_cache_memory = 2 << 20 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Its routing file names version 2, not loaded yet: version 1 serves alone until then.
        Assert.Equal(("tale", "1"), (body["model"]!.GetValue<string>(), body["stable"]!.GetValue<string>()));
        Assert.Null(body["canary"]);
        Assert.Equal((200, "1"), Pick(await _server.CompleteAsync("u", "tale")));
        Assert.Equal((200, "1"), Pick(await _server.CompleteAsync("u", "story")));
        var models = JsonNode.Parse(await _server.Http.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());
        Assert.Equal(["story", "tale"], models);
        Assert.Equal(1, await MetricsText.ReadAsync(_server.Http, "vllm:request_success_total", "model_name=\"tale\",finished_reason=\"length\""));

        (response, body) = await Json.PostAsync(_server.Http, "/admin/models/tale/versions/2/load", new { kv_cache_memory = 2 << 20 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("2", 20.0), (body["canary"]!.GetValue<string>(), body["canary_weight"]!.GetValue<double>()));
        var states = JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray();
        Assert.Equal(["story", "tale"], states.Select(m => m!["model"]!.GetValue<string>()));
    }

    private static TimeSpan RoutingSettle => InferenceServer.Versions.Config.RoutingFileWatcher.Settle * 4;

    private static (int, string?) Pick((int Status, string? Version, JsonNode Body) r) => (r.Status, r.Version);

    private static string Message(JsonNode body) => body["error"]!["message"]!.GetValue<string>();

    private async Task<JsonNode> StateAsync() =>
        JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray().Single()!;
}
