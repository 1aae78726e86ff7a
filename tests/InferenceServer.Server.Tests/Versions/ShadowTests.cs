using System.Text.Json.Nodes;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>A shadow version gets a copy of the traffic whose answers are recorded, never returned.</summary>
public sealed class ShadowTests : IAsyncLifetime
{
    private const string Routing = """{ "stable": "1", "shadow": { "version": "2", "sample_rate": 1.0 } }""";

    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() => _server = await VersionedTestServer.StartAsync(Routing);

    public async Task DisposeAsync() => await _server.DisposeAsync();

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
