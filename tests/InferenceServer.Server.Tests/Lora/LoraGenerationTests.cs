using System.ClientModel;
using System.Net;
using Grpc.Core;
using InferenceServer.Engine.Sampling;
using InferenceServer.Server.Grpc.V1;
using OpenAI;
using OpenAI.Chat;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>Choosing a LoRA adapter per request through "model" (OpenAI client, raw HTTP) and gRPC's adapter field.</summary>
public sealed class LoraGenerationTests(LoraServerFixture fixture) : IClassFixture<LoraServerFixture>
{
    private const string Question = "Tell me a story about a cat.";
    private TestServer Server => fixture.Server;

    private ChatClient Chat(string model) => new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(Server.BaseAddress, "v1") });

    [Fact]
    public async Task Chat_with_an_adapter_equals_the_engine_run_with_it_and_differs_from_the_base_model()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 24 };
        ChatCompletion story = await Chat("story").CompleteChatAsync([new UserChatMessage(Question)], options);
        ChatCompletion base_ = await Chat(Server.Model.Name).CompleteChatAsync([new UserChatMessage(Question)], options);

        var expected = await LoraReference.GenerateAsync(Path.Combine(fixture.Files.Root, "story"), Reference.ChatPrompt(Question),
            new SamplingParams { Temperature = 0, MaxTokens = 24 });
        Assert.Equal(expected.Text, story.Content[0].Text);
        Assert.Equal("story", story.Model);
        Assert.NotEqual(base_.Content[0].Text, story.Content[0].Text);
    }

    [Fact]
    public async Task Base_colon_adapter_selects_the_same_adapter_as_its_bare_name_and_streams_the_same_text()
    {
        object Body(string model, bool stream = false) => new { model, prompt = "Once upon a time", max_tokens = 16, temperature = 0, ignore_eos = true, stream };
        var (_, bare) = await Json.PostAsync(Server.Http, "/v1/completions", Body("poem"));
        var (response, qualified) = await Json.PostAsync(Server.Http, "/v1/completions", Body($"{Server.Model.Name}:poem"));
        var (_, story) = await Json.PostAsync(Server.Http, "/v1/completions", Body("story"));
        var events = await Json.StreamAsync(Server.Http, "/v1/completions", Body("poem", stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{Server.Model.Name}:poem", qualified["model"].Str());
        Assert.Equal(bare["choices"]![0]!["text"].Str(), qualified["choices"]![0]!["text"].Str());
        Assert.NotEqual(story["choices"]![0]!["text"].Str(), bare["choices"]![0]!["text"].Str());
        Assert.Equal(bare["choices"]![0]!["text"].Str(), string.Concat(events.Select(e => e["choices"]![0]!["text"].Str())));
        var expected = await LoraReference.GenerateAsync(Path.Combine(fixture.Files.Root, "poem"), Reference.Model.Tokenizer.Encode("Once upon a time"),
            new SamplingParams { Temperature = 0, MaxTokens = 16, IgnoreEos = true });
        Assert.Equal(expected.Text, bare["choices"]![0]!["text"].Str());
    }

    [Fact]
    public async Task An_unknown_adapter_is_404_model_not_found_over_http_the_openai_client_and_grpc()
    {
        var (response, body) = await Json.PostAsync(Server.Http, "/v1/completions", new { model = "no-such-adapter", prompt = "Hi", max_tokens = 2 });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", body["error"]!["code"].Str());
        var (qualified, _) = await Json.PostAsync(Server.Http, "/v1/completions", new { model = $"{Server.Model.Name}:nope", prompt = "Hi", max_tokens = 2 });
        Assert.Equal(HttpStatusCode.NotFound, qualified.StatusCode);

        var e = await Assert.ThrowsAsync<ClientResultException>(() => Chat("no-such-adapter").CompleteChatAsync([new UserChatMessage(Question)]));
        Assert.Equal(404, e.Status);

        var client = new Inference.InferenceClient(Server.Grpc);
        using var call = client.Generate(new GenerateRequest { Text = "Hi", Adapter = "nope", Sampling = new SamplingParameters { MaxTokens = 2 } });
        var rpc = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.NotFound, rpc.StatusCode);
    }

    [Fact]
    public async Task Grpc_adapter_field_gives_the_http_answer_for_that_adapter()
    {
        var client = new Inference.InferenceClient(Server.Grpc);
        async Task<string> Generate(GenerateRequest request)
        {
            using var call = client.Generate(request);
            var text = new System.Text.StringBuilder();
            await foreach (var m in call.ResponseStream.ReadAllAsync()) text.Append(m.Text);
            return text.ToString();
        }
        var sampling = new SamplingParameters { Temperature = 0, MaxTokens = 12, IgnoreEos = true };
        string byField = await Generate(new GenerateRequest { Text = "The little dog", Adapter = "story", Sampling = sampling });
        string byModel = await Generate(new GenerateRequest { Text = "The little dog", Model = "story", Sampling = sampling });
        var (_, http) = await Json.PostAsync(Server.Http, "/v1/completions", new { model = "story", prompt = "The little dog", max_tokens = 12, temperature = 0, ignore_eos = true });

        Assert.Equal(http["choices"]![0]!["text"].Str(), byField);
        Assert.Equal(byField, byModel);
        var models = await client.ListModelsAsync(new ListModelsRequest());
        Assert.Contains(models.Models, m => m.Id == "story" && m.Parent == Server.Model.Name);
    }

    [Fact]
    public async Task Models_lists_the_adapters_with_the_base_model_as_parent_and_their_folder_as_root()
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await Server.Http.GetStringAsync("/v1/models"))!;
        var data = body["data"]!.AsArray();
        Assert.Equal(Server.Model.Name, data[0]!["id"].Str());
        Assert.Null(data[0]!["parent"]);
        var story = data.Single(m => m!["id"].Str() == "story")!;
        Assert.Equal(Server.Model.Name, story["parent"].Str());
        Assert.Equal(Path.Combine(fixture.Files.Root, "story"), story["root"].Str());
        Assert.Contains(data, m => m!["id"].Str() == "poem");
    }

    [Fact]
    public async Task Metrics_export_lora_requests_info_with_max_lora_and_the_running_adapters()
    {
        // A request nobody reads keeps "story" running while /metrics is read.
        await using var held = await HeldRequest.OpenAsync(Server, "story");
        await MetricsText.WaitUntilAsync(Server.Http, async () =>
            (await Server.Http.GetStringAsync("/metrics")).Contains("running_lora_adapters=\"story\"", StringComparison.Ordinal), "story runs");
        string text = await Server.Http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE vllm:lora_requests_info gauge", text, StringComparison.Ordinal);
        Assert.Equal(1, await MetricsText.ReadAsync(Server.Http, "inference_server_lora_requests_running", $"model_name=\"{Server.Model.Name}\",lora_name=\"story\""));
        var line = text.Split('\n').Single(l => l.StartsWith("vllm:lora_requests_info{", StringComparison.Ordinal));
        Assert.Contains("max_lora=\"2\"", line, StringComparison.Ordinal);
        Assert.Contains("waiting_lora_adapters=\"\"", line, StringComparison.Ordinal);
        // The value is the Unix time of the reading, as vLLM's set_to_current_time.
        double value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(value, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
    }
}
