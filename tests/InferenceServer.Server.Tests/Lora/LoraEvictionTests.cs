using System.Net;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>With --max-cpu-loras 1 only one adapter stays in host memory; naming another reloads it from its folder.</summary>
public sealed class LoraEvictionTests
{
    [Fact]
    public async Task Adapters_evicted_from_host_memory_are_reloaded_on_demand_and_still_give_their_own_output()
    {
        using var files = new LoraFiles();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Engine = o.Engine with { EnableLora = true, MaxLoras = 1, MaxCpuLoras = 1 };
            o.LoraModules.Add(files.Module("first"));
            o.LoraModules.Add(files.Module("second"));
        });
        // Preloading "second" evicted "first" from the engine; the server still lists and serves both.
        Assert.Equal(["second"], server.Model.Engine.Adapters);
        var models = await server.Http.GetStringAsync("/v1/models");
        Assert.Contains("\"first\"", models, StringComparison.Ordinal);

        async Task<string> Complete(string model)
        {
            var (response, body) = await Json.PostAsync(server.Http, "/v1/completions", new { model, prompt = "Once upon a time", max_tokens = 12, temperature = 0, ignore_eos = true });
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{model}: {(int)response.StatusCode} {body.ToJsonString()}");
            return body["choices"]![0]!["text"].Str();
        }
        string first = await Complete("first");
        Assert.Equal(["first"], server.Model.Engine.Adapters);
        string second = await Complete("second");
        Assert.Equal(["second"], server.Model.Engine.Adapters);
        // Both at once: one waits for the other's adapter to be evictable, neither fails.
        var both = await Task.WhenAll(Complete("first"), Complete("second"), Complete("first"));

        var sampling = new SamplingParams { Temperature = 0, MaxTokens = 12, IgnoreEos = true };
        var prompt = Reference.Model.Tokenizer.Encode("Once upon a time");
        Assert.Equal((await LoraReference.GenerateAsync(Path.Combine(files.Root, "first"), prompt, sampling)).Text, first);
        Assert.Equal((await LoraReference.GenerateAsync(Path.Combine(files.Root, "second"), prompt, sampling)).Text, second);
        Assert.NotEqual(first, second);
        Assert.Equal([first, second, first], both);
    }

    [Fact]
    public async Task A_request_waits_for_host_memory_for_its_adapter_while_other_requests_run_on()
    {
        using var files = new LoraFiles();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Engine = o.Engine with { EnableLora = true, MaxLoras = 1, MaxCpuLoras = 1 };
            o.LoraModules.Add(files.Module("first"));
            o.LoraModules.Add(files.Module("second"));
        });
        // "first" is held by a request nobody reads, so "second" cannot take its place in host memory yet.
        var held = await HeldRequest.OpenAsync(server, "first");
        var waiting = Json.PostAsync(server.Http, "/v1/completions", new { model = "second", prompt = "Once", max_tokens = 4, ignore_eos = true });
        await MetricsText.WaitUntilAsync(server.Http, async () =>
            (await server.Http.GetStringAsync("/metrics")).Contains("waiting_lora_adapters=\"second\"", StringComparison.Ordinal), "second waits");
        Assert.Contains("running_lora_adapters=\"first\"", await server.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        var (baseResponse, _) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once", max_tokens = 4, ignore_eos = true });
        Assert.Equal(HttpStatusCode.OK, baseResponse.StatusCode);
        Assert.False(waiting.IsCompleted);

        // The request on "first" goes away (as when its client leaves): "second" loads and its request completes.
        await held.DisposeAsync();
        var (response, body) = await waiting;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, body["usage"]!["completion_tokens"].Int());
        Assert.Equal(["second"], server.Model.Engine.Adapters);
    }
}
