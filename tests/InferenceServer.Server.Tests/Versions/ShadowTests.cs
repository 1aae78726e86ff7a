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

        JsonNode shadow = null!;
        for (int i = 0; i < 50; i++)
        {
            shadow = JsonNode.Parse(await _server.Http.GetStringAsync("/admin/routing"))!.AsArray().Single()!["shadow"]!;
            if (shadow["requests"]!.GetValue<long>() >= 6) break;
            await Task.Delay(100);
        }
        Assert.Equal(6, shadow["requests"]!.GetValue<long>());
        Assert.Equal(0, shadow["errors"]!.GetValue<long>());
        // Every request was greedy, so every copy was compared with the answer the client got.
        Assert.Equal(6, shadow["compared"]!.GetValue<long>());
    }
}
