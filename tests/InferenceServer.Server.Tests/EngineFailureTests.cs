using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.Server.Grpc.V1;

namespace InferenceServer.Server.Tests;

/// <summary>When the engine stops under the server, streams end with an error event and new requests get 503 / UNAVAILABLE.</summary>
public sealed class EngineFailureTests
{
    [Fact]
    public async Task A_stream_ends_with_an_error_event_and_then_requests_are_unavailable()
    {
        await using var server = await TestServer.StartAsync();
        var stream = await StalledStream.OpenAsync(server.BaseAddress);
        server.Model.Dispose();

        var events = await stream.ReadToEndAsync();
        Assert.Equal("[DONE]", events[^1]);
        var error = JsonNode.Parse(events[^2])!["error"]!;
        Assert.Equal("service_unavailable_error", error["type"].Str());
        await stream.DisposeAsync();

        var (response, body) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once", max_tokens = 3 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("service_unavailable_error", body["error"]!["type"].Str());

        using var call = new Inference.InferenceClient(server.Grpc).Generate(new GenerateRequest { Text = "Once" });
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }
}
