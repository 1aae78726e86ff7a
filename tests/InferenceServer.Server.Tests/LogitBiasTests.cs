using System.Net;
using Grpc.Core;
using InferenceServer.Backends;
using InferenceServer.Engine.Sampling;
using InferenceServer.Server.Grpc.V1;
using InferenceServer.TestSupport;

namespace InferenceServer.Server.Tests;

/// <summary>
/// OpenAI's logit_bias: the bias is added to the token's logit before sampling, so -100 bans a token and 100 forces
/// it, over HTTP and gRPC, on the CPU backend and on the CUDA backend (whose greedy argmax on the device steps aside
/// for biased rows).
/// </summary>
public sealed class LogitBiasTests
{
    private const string Prompt = "Once upon a time";

    [Fact]
    public Task On_the_cpu_backend_a_ban_and_a_forced_token_change_greedy_text_as_the_reference_does() => BanAndForceAsync(ComputeDevice.Cpu);

    [NeedsKernelEmulationFact]
    public Task On_the_cuda_backend_a_ban_and_a_forced_token_change_greedy_text_as_the_reference_does() => BanAndForceAsync(ComputeDevice.CudaEmulation);

    private static async Task BanAndForceAsync(ComputeDevice device)
    {
        await using var server = await TestServer.StartAsync(o => o.Engine = o.Engine with { Device = device });
        var prompt = Reference.Model.Tokenizer.Encode(Prompt);
        var plain = Reference.Generate(prompt, new SamplingParams { Temperature = 0, MaxTokens = 8, IgnoreEos = true });
        int first = (await GreedyIdsAsync(server, new SamplingParameters { Temperature = 0, MaxTokens = 1, IgnoreEos = true }))[0];

        // Banning the greedy first token: the text changes, exactly as the reference sampler's does.
        var banned = Reference.Generate(prompt, new SamplingParams { Temperature = 0, MaxTokens = 8, IgnoreEos = true, LogitBias = new Dictionary<int, float> { [first] = -100 } });
        Assert.NotEqual(plain.Text, banned.Text);
        var (response, body) = await Json.PostAsync(server.Http, "/v1/completions", new
        {
            prompt = Prompt,
            max_tokens = 8,
            temperature = 0,
            ignore_eos = true,
            logit_bias = new Dictionary<string, float> { [first.ToString(System.Globalization.CultureInfo.InvariantCulture)] = -100 },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(banned.Text, body["choices"]![0]!["text"].Str());

        // Forcing one token: every generated token is that token, over gRPC too.
        int forced = Reference.Model.Tokenizer.Encode(" dog", addSpecialTokens: false)[^1];
        var sampling = new SamplingParameters { Temperature = 0, MaxTokens = 5, IgnoreEos = true };
        sampling.LogitBias.Add(forced, 100);
        Assert.Equal(Enumerable.Repeat(forced, 5), await GreedyIdsAsync(server, sampling));
    }

    private static async Task<List<int>> GreedyIdsAsync(TestServer server, SamplingParameters sampling)
    {
        using var call = new Inference.InferenceClient(server.Grpc).Generate(new GenerateRequest { Text = Prompt, Sampling = sampling });
        var ids = new List<int>();
        await foreach (var m in call.ResponseStream.ReadAllAsync()) ids.AddRange(m.TokenIds);
        return ids;
    }
}
