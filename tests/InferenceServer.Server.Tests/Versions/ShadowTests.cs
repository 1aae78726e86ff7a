using System.Text.Json.Nodes;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>A shadow version gets a copy of the traffic whose answers are recorded, never returned.</summary>
public sealed class ShadowTests : IAsyncLifetime
{
    private const string Routing = """
        { "stable": "1", "canary": "2", "canary_weight": 0, "sticky_header": "x-tenant",
          "shadow": { "version": "2", "sample_rate": 1.0 } }
        """;

    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() => _server = await VersionedTestServer.StartAsync(Routing);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_sticky_header_keeps_a_tenant_on_its_version_as_the_weight_changes()
    {
        // At 50 % some tenants land on the canary; raised to 80 %, each of those must stay there.
        var (response, _) = await Json.PostAsync(_server.Http, "/admin/routing/story/weight", new { weight = 50 });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var before = new Dictionary<string, string>();
        for (int t = 0; t < 20; t++) before[$"tenant-{t}"] = await VersionForTenantAsync($"tenant-{t}");
        Assert.Contains("2", before.Values);
        (response, _) = await Json.PostAsync(_server.Http, "/admin/routing/story/weight", new { weight = 80 });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        foreach (var (tenant, version) in before.Where(b => b.Value == "2"))
            Assert.Equal("2", await VersionForTenantAsync(tenant));
    }

    private async Task<string> VersionForTenantAsync(string tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            // A different user each time: the header, not the user, decides.
            Content = System.Net.Http.Json.JsonContent.Create(new { model = "story", prompt = "Once", max_tokens = 1, user = Guid.NewGuid().ToString() }),
        };
        request.Headers.Add("x-tenant", tenant);
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("x-model-version").Single();
    }

    [Fact]
    public async Task Shadow_copies_are_recorded_and_clients_get_the_stable_answer()
    {
        var (_, _, pinned) = await _server.CompleteAsync("ref", "story@1");
        string expected = pinned["choices"]![0]!["text"]!.GetValue<string>();
        for (int i = 0; i < 6; i++)
        {
            var (status, version, body) = await _server.CompleteAsync($"user-{i}");
            Assert.Equal((200, "1"), (status, version));
            Assert.Equal(expected, body["choices"]![0]!["text"]!.GetValue<string>());
        }

        var shadow = await ShadowAfterAsync(6);
        Assert.Equal(6, shadow["requests"]!.GetValue<long>());
        Assert.Equal(0, shadow["errors"]!.GetValue<long>());
        // Every request was greedy, so every copy was compared with the answer the client got.
        Assert.Equal(6, shadow["compared"]!.GetValue<long>());
    }

    [Fact]
    public async Task Streamed_requests_over_sse_and_grpc_are_compared_too()
    {
        // Greedy and long enough that a text split over many chunks is what gets compared.
        object completion = new { model = "story", prompt = "Once upon a time", max_tokens = 40, temperature = 0, n = 2, stream = true };
        object chat = new { model = "story", messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 20, temperature = 0, stream = true };
        var events = await Json.StreamAsync(_server.Http, "/v1/completions", completion);
        Assert.Equal(2, events.SelectMany(e => e["choices"]!.AsArray()).Select(c => c!["index"]!.GetValue<int>()).Distinct().Count());
        await Json.StreamAsync(_server.Http, "/v1/chat/completions", chat);
        string streamedGrpc = await GenerateAsync("story");

        // What each version answers on its own (pinned requests get no shadow copy): a copy matches when they agree.
        async Task<bool> Agree(string path, Func<string, object> body, Func<JsonNode, string> text)
        {
            var (_, one) = await Json.PostAsync(_server.Http, path, body("story@1"));
            var (_, two) = await Json.PostAsync(_server.Http, path, body("story@2"));
            return text(one) == text(two);
        }
        bool[] agree =
        [
            await Agree("/v1/completions", m => new { model = m, prompt = "Once upon a time", max_tokens = 40, temperature = 0, n = 2 },
                b => string.Join("|", b["choices"]!.AsArray().Select(c => c!["text"]!.GetValue<string>()))),
            await Agree("/v1/chat/completions", m => new { model = m, messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 20, temperature = 0 },
                b => b["choices"]![0]!["message"]!["content"]!.GetValue<string>()),
            await GenerateAsync("story@1") == await GenerateAsync("story@2"),
        ];
        Assert.Equal(streamedGrpc, await GenerateAsync("story@1"));

        var shadow = await ShadowAfterAsync(3);
        Assert.Equal((3L, 0L), (shadow["requests"]!.GetValue<long>(), shadow["errors"]!.GetValue<long>()));
        Assert.Equal(3, shadow["compared"]!.GetValue<long>());
        Assert.Equal(agree.Count(a => a), shadow["matches"]!.GetValue<long>());
    }

    /// <summary>The shadow statistics once <paramref name="requests"/> copies are recorded (copies finish after their requests), or after 5 s.</summary>
    private async Task<JsonNode> ShadowAfterAsync(long requests)
    {
        for (int i = 0; ; i++)
        {
            var shadow = JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray().Single()!["shadow"]!;
            if (shadow["requests"]!.GetValue<long>() >= requests || i == 50) return shadow;
            await Task.Delay(100);
        }
    }

    private async Task<string> GenerateAsync(string model)
    {
        var client = new Grpc.V1.Inference.InferenceClient(_server.Grpc);
        var headers = new global::Grpc.Core.Metadata { { "authorization", $"Bearer {VersionedTestServer.Key}" } };
        using var call = client.Generate(new Grpc.V1.GenerateRequest { Model = model, Text = "Once", Sampling = new Grpc.V1.SamplingParameters { Temperature = 0, MaxTokens = 20 } }, headers);
        var text = new System.Text.StringBuilder();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) text.Append(call.ResponseStream.Current.Text);
        return text.ToString();
    }
}
