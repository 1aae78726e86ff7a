using System.ClientModel;
using System.Net;
using Grpc.Core;
using InferenceServer.Server.Grpc.V1;
using OpenAI;
using OpenAI.Chat;

namespace InferenceServer.Server.Tests;

/// <summary>With API keys configured, every API call needs a valid bearer key; probes and metrics stay open.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private const string Key = "sk-test-123";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o =>
    {
        o.ApiKeys.Add("another-key");
        o.ApiKeys.Add(Key);
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("sk-test-12")]
    public async Task Missing_or_wrong_keys_get_401_in_openai_format(string? key)
    {
        using var client = key is null ? new HttpClient { BaseAddress = _server.BaseAddress } : _server.ClientWithKey(key);
        var (response, body) = await Json.PostAsync(client, "/v1/completions", new { prompt = "Once", max_tokens = 2 });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("authentication_error", body["error"]!["type"].Str());
        Assert.Equal("invalid_api_key", body["error"]!["code"].Str());
        var models = await client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
    }

    [Fact]
    public async Task The_right_key_works_for_every_configured_key_and_the_official_client()
    {
        using var client = _server.ClientWithKey(Key);
        var (response, _) = await Json.PostAsync(client, "/v1/completions", new { prompt = "Once", max_tokens = 2 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var other = _server.ClientWithKey("another-key");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/models")).StatusCode);

        var chat = new ChatClient(_server.Model.Name, new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "v1") });
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 3 });
        Assert.NotNull(completion.Id);
        var refused = new ChatClient(_server.Model.Name, new ApiKeyCredential("bad"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "v1") });
        var e = await Assert.ThrowsAsync<ClientResultException>(() => refused.CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(401, e.Status);
    }

    [Fact]
    public async Task Health_ready_and_metrics_stay_open()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Grpc_calls_need_the_key_in_metadata()
    {
        var client = new Inference.InferenceClient(_server.Grpc);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.ListModelsAsync(new ListModelsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        // grpc-message percent-encodes only what the spec says, so the client shows the text as written.
        Assert.Equal("a valid API key is required (authorization: Bearer <key>)", e.Status.Detail);
        var ok = await client.ListModelsAsync(new ListModelsRequest(), new Metadata { { "authorization", "Bearer " + Key } });
        Assert.Single(ok.Models);
    }
}
