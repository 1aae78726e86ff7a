using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using InferenceServer.Server.Grpc.V1;
using Xunit.Abstractions;

namespace InferenceServer.Server.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of the real server over HTTP and gRPC: every generated request gets an answer within a timeout
/// and never a 5xx (gRPC: never UNKNOWN, INTERNAL or a hang), and afterwards the server serves a normal request and
/// its engine is back to no requests and all KV blocks free. CI runs a couple of minutes' worth;
/// INFERENCE_SERVER_FUZZ_CASES and INFERENCE_SERVER_FUZZ_SEED run more, or another seed, locally.
/// </summary>
public sealed class RequestFuzzTests(ITestOutputHelper output)
{
    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("INFERENCE_SERVER_FUZZ_CASES"), out int n) ? n : 1500;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("INFERENCE_SERVER_FUZZ_SEED"), out int s) ? s : 20261207;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Http_bodies_never_get_a_5xx_or_hang_and_the_server_recovers()
    {
        await using var server = await TestServer.StartAsync(o => o.Engine = o.Engine with { EnableLora = true });
        var bodies = new FuzzBodies(Seed);
        var statuses = new Dictionary<int, int>();
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = PerCase };
        for (int i = 0; i < Cases; i++)
        {
            var (path, body) = bodies.Next();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(path, content);
            string text = await response.Content.ReadAsStringAsync();
            int status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status < 500, $"case {i} (seed {Seed}) {path}: HTTP {status} {text}\nbody: {System.Text.Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 2000)]}");
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
                Assert.EndsWith("data: [DONE]", text.TrimEnd(), StringComparison.Ordinal);
        }
        output.WriteLine($"{Cases} HTTP cases, seed {Seed}: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}")));
        await AssertRecoveredAsync(server);
    }

    [Fact]
    public async Task Grpc_requests_never_get_unknown_or_internal_and_the_server_recovers()
    {
        await using var server = await TestServer.StartAsync();
        var client = new Inference.InferenceClient(server.Grpc);
        var random = new Random(Seed);
        int[] ints = [0, -1, 1, int.MaxValue, int.MinValue, 20, 21, 5];
        float[] floats = [0, -1, 0.5f, 1, 2, 100, float.NaN, float.PositiveInfinity, float.MaxValue, -0.0f];
        var statuses = new Dictionary<StatusCode, int>();
        for (int i = 0; i < Cases / 2; i++)
        {
            var sampling = new SamplingParameters();
            if (random.Next(2) == 0) sampling.MaxTokens = random.Next(3) == 0 ? ints[random.Next(ints.Length)] : random.Next(1, 6);
            else sampling.MaxTokens = 3;
            if (random.Next(3) == 0) sampling.Temperature = floats[random.Next(floats.Length)];
            if (random.Next(3) == 0) sampling.TopP = floats[random.Next(floats.Length)];
            if (random.Next(3) == 0) sampling.TopK = ints[random.Next(ints.Length)];
            if (random.Next(3) == 0) sampling.MinP = floats[random.Next(floats.Length)];
            if (random.Next(4) == 0) sampling.RepetitionPenalty = floats[random.Next(floats.Length)];
            if (random.Next(4) == 0) sampling.PresencePenalty = floats[random.Next(floats.Length)];
            if (random.Next(4) == 0) sampling.Logprobs = ints[random.Next(ints.Length)];
            if (random.Next(4) == 0) sampling.StopTokenIds.Add(ints[random.Next(ints.Length)]);
            if (random.Next(4) == 0) sampling.LogitBias.Add(ints[random.Next(ints.Length)], floats[random.Next(floats.Length)]);
            if (random.Next(4) == 0) sampling.Stop.Add(random.Next(2) == 0 ? "" : "a");
            var request = new GenerateRequest { Sampling = sampling, Model = random.Next(6) == 0 ? "no-such-model" : "", Adapter = random.Next(8) == 0 ? "../x" : "" };
            if (random.Next(5) == 0)
            {
                request.TokenIds = new TokenIds();
                request.TokenIds.Ids.Add(ints[random.Next(ints.Length)]);
            }
            else
            {
                request.Text = random.Next(6) == 0 ? "" : "Once upon a time";
            }
            var code = StatusCode.OK;
            try
            {
                using var call = client.Generate(request, deadline: DateTime.UtcNow + PerCase);
                await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
            }
            catch (RpcException e)
            {
                code = e.StatusCode;
                Assert.True(e.StatusCode is not (StatusCode.Unknown or StatusCode.Internal or StatusCode.DeadlineExceeded),
                    $"case {i} (seed {Seed}): {e.StatusCode} {e.Status.Detail}\nrequest: {request}");
            }
            statuses[code] = statuses.GetValueOrDefault(code) + 1;
        }
        output.WriteLine($"{Cases / 2} gRPC cases, seed {Seed}: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}")));
        await AssertRecoveredAsync(server);
    }

    private static async Task AssertRecoveredAsync(TestServer server)
    {
        var (response, body) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once upon a time", max_tokens = 3, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("length", body["choices"]![0]!["finish_reason"].Str());
        var engine = server.Model.Engine;
        await MetricsText.WaitUntilAsync(server.Http, () => Task.FromResult(engine.InFlight == 0 && engine.Stats.FreeBlocks == engine.Stats.TotalBlocks),
            "no request is left and every KV block is free");
        Assert.Null(engine.Fault);
    }
}
