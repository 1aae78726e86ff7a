using System.Net;
using Grpc.Core;
using InferenceServer.Server.Grpc.V1;

namespace InferenceServer.Server.Tests;

/// <summary>
/// Request values at the edges of their types (int.MaxValue, -1, more sequences than the server ever admits) get a
/// 400 / INVALID_ARGUMENT naming the problem, and the engine serves the next request as before. An overflowed
/// context check once let max_tokens = int.MaxValue through and stopped the engine for good.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RequestLimitTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private const string Chat = "\"messages\": [{\"role\": \"user\", \"content\": \"Tell me a story\"}]";

    [Theory]
    [InlineData("/v1/completions", "{\"prompt\": \"Once upon a time\", \"max_tokens\": 2147483647}")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once upon a time\", \"max_tokens\": 2147483646, \"stream\": true}")]
    [InlineData("/v1/chat/completions", "{" + Chat + ", \"max_tokens\": 2147483647}")]
    [InlineData("/v1/chat/completions", "{" + Chat + ", \"max_completion_tokens\": 2147483647}")]
    public async Task Max_tokens_at_int_max_is_a_400_and_the_engine_keeps_serving(string path, string body)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error["error"]!["type"].Str());
        Assert.Contains("maximum context length", error["error"]!["message"].Str(), StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("{\"prompt\": \"Once\", \"max_tokens\": -1}", "max_tokens")]
    [InlineData("{\"prompt\": \"Once\", \"max_tokens\": -2147483648}", "max_tokens")]
    [InlineData("{\"prompt\": \"Once\", \"n\": 2147483647}", "n")]
    [InlineData("{\"prompt\": \"Once\", \"n\": -1}", "n")]
    [InlineData("{\"prompt\": \"Once\", \"logprobs\": 2147483647}", "logprobs")]
    [InlineData("{\"prompt\": \"Once\", \"logprobs\": -1}", "logprobs")]
    [InlineData("{\"prompt\": \"Once\", \"max_tokens\": 2147483648}", "max_tokens")]
    [InlineData("{\"prompt\": \"Once\", \"max_tokens\": 9223372036854775807}", "max_tokens")]
    [InlineData("{\"prompt\": \"Once\", \"n\": 9223372036854775807}", "n")]
    [InlineData("{\"prompt\": \"Once\", \"logprobs\": 9223372036854775807}", "logprobs")]
    [InlineData("{\"prompt\": \"Once\", \"seed\": 9223372036854775808}", "seed")]
    [InlineData("{\"prompt\": \"Once\", \"n\": 0}", "n")]
    [InlineData("{\"prompt\": \"Once\", \"seed\": -1}", "seed")]
    public async Task Values_at_the_edges_of_their_types_are_400s(string body, string field)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, "/v1/completions", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, error["error"]!["message"].Str() + " " + error["error"]!["param"]?.ToString(), StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/detokenize", "{\"tokens\": [-1]}")]
    [InlineData("/detokenize", "{\"tokens\": [2147483647]}")]
    [InlineData("/detokenize", "{\"tokens\": [-2147483648, 0]}")]
    [InlineData("/detokenize", "{\"tokens\": [2147483648]}")]
    [InlineData("/v1/completions", "{\"prompt\": [-1, 5]}")]
    [InlineData("/v1/completions", "{\"prompt\": [[2147483647]]}")]
    public async Task Token_ids_outside_the_vocabulary_are_400s(string path, string body)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"HTTP {(int)response.StatusCode}: {error.ToJsonString()}");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task More_sequences_than_the_server_admits_at_once_is_a_400_not_a_429_to_retry_forever()
    {
        // 2 prompts x n = 9 is 18 sequences; the server runs 8 and queues 8 (16), so this could never be admitted.
        var (response, error) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = new[] { "Once", "The dog" }, n = 9, max_tokens = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Contains("--max-num-seqs", error["error"]!["message"].Str(), StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Grpc_max_tokens_at_int_max_is_invalid_argument_and_the_engine_keeps_serving()
    {
        var client = new Inference.InferenceClient(Server.Grpc);
        using var call = client.Generate(new GenerateRequest { Text = "Once upon a time", Sampling = new SamplingParameters { MaxTokens = int.MaxValue } });
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("maximum context length", e.Status.Detail, StringComparison.Ordinal);

        using var next = client.Generate(new GenerateRequest { Text = "Once upon a time", Sampling = new SamplingParameters { MaxTokens = 3, Temperature = 0 } });
        int messages = 0;
        await foreach (var _ in next.ResponseStream.ReadAllAsync()) messages++;
        Assert.True(messages > 0);
    }

    private async Task AssertStillServingAsync()
    {
        var (response, body) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = "Once upon a time", max_tokens = 3, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("length", body["choices"]![0]!["finish_reason"].Str());
        var (health, _) = await GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private async Task<(HttpResponseMessage, string)> GetAsync(string path)
    {
        var response = await Server.Http.GetAsync(path);
        return (response, await response.Content.ReadAsStringAsync());
    }
}
