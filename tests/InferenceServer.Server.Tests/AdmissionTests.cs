using System.Net;
using Grpc.Core;
using InferenceServer.Server.Grpc.V1;

namespace InferenceServer.Server.Tests;

/// <summary>Beyond max-num-seqs running plus max-waiting queued, requests are refused at once: 429 with Retry-After, gRPC RESOURCE_EXHAUSTED.</summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task Overload_gets_429_with_retry_after_and_resource_exhausted_then_recovers()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Engine = o.Engine with { MaxNumSeqs = 1 };
            o.MaxWaiting = 1;
            o.RetryAfterSeconds = 2;
        });
        // One request runs (held by its stalled reader), one waits behind it: the bound is reached.
        var running = await StalledStream.OpenAsync(server.BaseAddress);
        var waiting = await StalledStream.OpenAsync(server.BaseAddress);

        var (response, body) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once", max_tokens = 5 });
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_error", body["error"]!["type"].Str());
        Assert.Equal("rate_limit_exceeded", body["error"]!["code"].Str());

        var client = new Inference.InferenceClient(server.Grpc);
        var call = client.Generate(new GenerateRequest { Text = "Once", Sampling = new SamplingParameters { MaxTokens = 5 } });
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);

        await running.DisposeAsync();
        await waiting.DisposeAsync();
        // Once they are gone, requests are admitted again.
        await MetricsText.WaitUntilAsync(server.Http, async () =>
            (await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once", max_tokens = 5 })).Response.StatusCode == HttpStatusCode.OK,
            "a request is admitted again");
        Assert.Equal(server.Model.Engine.Stats.TotalBlocks, server.Model.Engine.Stats.FreeBlocks);
    }
}
