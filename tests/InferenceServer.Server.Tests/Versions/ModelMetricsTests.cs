using InferenceServer.TestSupport;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>With two models in the folder, the vLLM-named metrics count each model's requests under its own model_name.</summary>
public sealed class ModelMetricsTests : IAsyncLifetime
{
    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() => _server = await VersionedTestServer.StartAsync("""{ "stable": "1" }""", o =>
    {
        // A second model beside "story": the Q8_0 file under the name "tale".
        string folder = Directory.CreateDirectory(Path.Combine(o.ModelsDir!, "tale")).FullName;
        File.WriteAllText(Path.Combine(folder, "1.json"), $$"""{"name": "tale", "version": "1", "path": "{{SharedModels.TinyStoriesQ8Gguf}}"}""");
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_model_has_its_own_vllm_series()
    {
        for (int i = 0; i < 3; i++) Assert.Equal(200, (await _server.CompleteAsync($"u{i}", "tale")).Status);
        Assert.Equal(200, (await _server.CompleteAsync("u", "story")).Status);

        const string Length = "finished_reason=\"length\"";
        Assert.Equal(3, await MetricsText.ReadAsync(_server.Http, "vllm:request_success_total", $"model_name=\"tale\",{Length}"));
        Assert.Equal(1, await MetricsText.ReadAsync(_server.Http, "vllm:request_success_total", $"model_name=\"story\",{Length}"));
        Assert.Equal(3, await MetricsText.ReadAsync(_server.Http, "vllm:generation_tokens_total", "model_name=\"tale\""));
        Assert.Equal(3, await MetricsText.ReadAsync(_server.Http, "vllm:e2e_request_latency_seconds_count", "model_name=\"tale\""));
        // Engine gauges too: each model's own engines, idle now.
        Assert.Equal(0, await MetricsText.ReadAsync(_server.Http, "vllm:num_requests_running", "model_name=\"tale\""));
        Assert.Equal(0, await MetricsText.ReadAsync(_server.Http, "vllm:num_requests_waiting", "model_name=\"story\""));
        Assert.True(await MetricsText.ReadAsync(_server.Http, "vllm:prefix_cache_queries_total", "model_name=\"tale\"") > 0);
    }
}
