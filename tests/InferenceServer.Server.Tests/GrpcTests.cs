using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using InferenceServer.Server.Grpc.V1;

namespace InferenceServer.Server.Tests;

/// <summary>The gRPC port with a real Grpc.Net.Client channel (cleartext HTTP/2).</summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;
    private Inference.InferenceClient Client => new(Server.Grpc);

    [Fact]
    public async Task Generate_streams_the_text_the_http_api_returns_and_ends_with_finish_reason_and_usage()
    {
        var sampling = new SamplingParameters { Temperature = 0, MaxTokens = 30, IgnoreEos = true, Logprobs = 2 };
        using var call = Client.Generate(new GenerateRequest { Text = "Once upon a time", Sampling = sampling });
        var messages = new List<GenerateResponse>();
        await foreach (var m in call.ResponseStream.ReadAllAsync()) messages.Add(m);

        var (_, http) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = "Once upon a time", max_tokens = 30, temperature = 0, ignore_eos = true });
        Assert.Equal(http["choices"]![0]!["text"].Str(), string.Concat(messages.Select(m => m.Text)));
        Assert.All(messages.SkipLast(1), m => Assert.Equal("", m.FinishReason));
        Assert.All(messages.SkipLast(1), m => Assert.Null(m.Usage));
        var last = messages[^1];
        Assert.Equal("length", last.FinishReason);
        Assert.Equal(30, last.Usage.CompletionTokens);
        Assert.Equal(http["usage"]!["prompt_tokens"].Int(), last.Usage.PromptTokens);
        Assert.Equal(last.Usage.PromptTokens + 30, last.Usage.TotalTokens);
        var ids = messages.SelectMany(m => m.TokenIds).ToArray();
        Assert.Equal(30, ids.Length);
        Assert.Equal(Reference.Model.Tokenizer.Decode(ids), string.Concat(messages.Select(m => m.Text)));
        Assert.All(messages, m => Assert.Equal(m.TokenIds.Count, m.Logprobs.Count));
    }

    [Fact]
    public async Task Token_id_prompts_and_tokenize_agree_with_http()
    {
        var tokens = await Client.TokenizeAsync(new InferenceServer.Server.Grpc.V1.TokenizeRequest { Text = "The little dog", AddSpecialTokens = true });
        var (_, http) = await Json.PostAsync(Server.Http, "/tokenize", new { prompt = "The little dog" });
        Assert.Equal(http["tokens"]!.AsArray().Select(t => t!.GetValue<int>()), tokens.TokenIds);
        Assert.Equal(Server.Model.MaxContext, tokens.MaxModelLen);

        var byIds = new GenerateRequest { TokenIds = new TokenIds(), Sampling = new SamplingParameters { Temperature = 0, MaxTokens = 8 } };
        byIds.TokenIds.Ids.AddRange(tokens.TokenIds);
        var byText = new GenerateRequest { Text = "The little dog", Sampling = byIds.Sampling };
        Assert.Equal(await TextOf(byText), await TextOf(byIds));
    }

    private async Task<string> TextOf(GenerateRequest request)
    {
        using var call = Client.Generate(request);
        var text = new StringBuilder();
        await foreach (var m in call.ResponseStream.ReadAllAsync()) text.Append(m.Text);
        return text.ToString();
    }

    [Fact]
    public async Task List_models_names_the_served_model()
    {
        var models = await Client.ListModelsAsync(new ListModelsRequest());
        var model = Assert.Single(models.Models);
        Assert.Equal(Server.Model.Name, model.Id);
        Assert.Equal("1", model.Version);
        Assert.Equal(Server.Model.MaxContext, model.MaxModelLen);
    }

    [Fact]
    public async Task Errors_map_to_status_codes()
    {
        async Task<StatusCode> StatusOf(GenerateRequest request)
        {
            using var call = Client.Generate(request);
            var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
            return e.StatusCode;
        }
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(new GenerateRequest { Text = "Once", Sampling = new SamplingParameters { Temperature = -1 } }));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(new GenerateRequest { Text = "Once", Sampling = new SamplingParameters { MaxTokens = 100_000 } }));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(new GenerateRequest()));
        Assert.Equal(StatusCode.NotFound, await StatusOf(new GenerateRequest { Model = "nope", Text = "Once" }));
        var tokenize = await Assert.ThrowsAsync<RpcException>(async () => await Client.TokenizeAsync(new InferenceServer.Server.Grpc.V1.TokenizeRequest { Model = "nope" }));
        Assert.Equal(StatusCode.NotFound, tokenize.StatusCode);
    }

    [Fact]
    public async Task A_deadline_cancels_the_request_and_frees_its_blocks()
    {
        // A long request read slowly: the deadline passes while it runs.
        using var call = Client.Generate(
            new GenerateRequest { Text = "Once upon a time", Sampling = new SamplingParameters { Temperature = 0, IgnoreEos = true, Logprobs = 20 } },
            deadline: DateTime.UtcNow.AddMilliseconds(300));
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext()) await Task.Delay(50);
        });
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        await MetricsText.WaitUntilAsync(Server.Http, () => Task.FromResult(
            Server.Model.Engine.InFlight == 0 && Server.Model.Engine.Stats.FreeBlocks == Server.Model.Engine.Stats.TotalBlocks), "the blocks are free");
    }

    [Fact]
    public async Task Health_service_reports_serving_and_reflection_lists_the_services()
    {
        var health = await new Health.HealthClient(Server.Grpc).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var reflection = new ServerReflection.ServerReflectionClient(Server.Grpc).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext());
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("inference.v1.Inference", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
