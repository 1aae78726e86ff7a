using System.Diagnostics;
using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Datasets;
using InferenceServer.Benchmarking.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Benchmarking.Tests.Client;

/// <summary>The SSE client's timings against a real Kestrel server that sends chunks after known delays.</summary>
[Collection(TimingCollection.Name)]
public sealed class StreamTimingTests
{
    private static readonly BenchPrompt Prompt = new("hello", 5, 4);
    // Bounds are what the server waited, less timer granularity (a Task.Delay can end a few ms early), and plenty
    // more for a busy shared machine (stalls of ~0.7 s were seen with two cores shared by several builds, and once
    // with the whole suite running beside this test). The lower bounds carry the check: each event is timed apart.
    private const double Slack = 1.5;
    private const double Early = 0.01;

    // The first request on a connection also pays for connecting and JIT; the benchmark's warm-up does the same.
    private static async Task<RequestOutcome> SendWarmAsync(HttpClient http, EndpointKind endpoint, string model = "m")
    {
        var client = new OpenAiStreamingClient(http, endpoint, model);
        await client.SendAsync(Prompt, Stopwatch.GetTimestamp(), CancellationToken.None);
        return await client.SendAsync(Prompt, Stopwatch.GetTimestamp(), CancellationToken.None);
    }

    [Fact]
    public async Task Ttft_itl_and_latency_follow_the_servers_delays_and_usage_gives_the_token_counts()
    {
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            Sse.Begin(context);
            await Task.Delay(300);
            await Sse.CompletionChunkAsync(context, "Once");
            for (int i = 0; i < 3; i++)
            {
                await Task.Delay(100);
                await Sse.CompletionChunkAsync(context, " upon");
            }
            await Sse.UsageAsync(context, promptTokens: 7, completionTokens: 4);
            await Sse.DoneAsync(context);
        });
        using var http = server.Client();
        var outcome = await SendWarmAsync(http, EndpointKind.Completions);

        Assert.True(outcome.Success, outcome.Error);
        Assert.InRange(outcome.Ttft, 0.3 - Early, 0.3 + Slack);
        Assert.Equal(3, outcome.Itl.Count);
        Assert.All(outcome.Itl, gap => Assert.InRange(gap, 0.05, 0.1 + Slack));
        Assert.InRange(outcome.Itl.Sum(), 0.3 - Early, 0.3 + Slack);
        Assert.InRange(outcome.Latency - outcome.Ttft, 0.3 - Early, 0.3 + Slack);
        Assert.Equal(TokenCountSource.Usage, outcome.TokenSource);
        Assert.Equal(7, outcome.PromptTokens);
        Assert.Equal(4, outcome.OutputTokens);
        Assert.Equal((outcome.Latency - outcome.Ttft) / 3, outcome.Tpot, 9);
    }

    [Fact]
    public async Task An_event_is_timed_at_its_first_byte_even_when_the_rest_arrives_later()
    {
        // The rest of the event comes this much later: long enough that a client process the CI machine stalls for
        // about a second (seen twice, with 400 ms: the reader then took both halves at once) still reads the first
        // half before the second exists.
        const double RestDelay = 2.0;
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            Sse.Begin(context);
            await Task.Delay(200);
            await Sse.WriteRawAsync(context, "data: {\"choices\":[{\"index\":0,");
            await Task.Delay(TimeSpan.FromSeconds(RestDelay));
            await Sse.WriteRawAsync(context, "\"text\":\"Once\"}]}\n\n");
            await Sse.DoneAsync(context);
        });
        using var http = server.Client();
        var outcome = await SendWarmAsync(http, EndpointKind.Completions);

        Assert.True(outcome.Success, outcome.Error);
        // No upper bound on the TTFT itself: a loaded CI machine has stalled this process for about a second. What
        // tells first-byte from last-byte stamping is the gap to the end of the response below.
        Assert.True(outcome.Ttft >= 0.2 - Early, $"TTFT {outcome.Ttft}");
        // Stamped at its last byte instead, the event would be RestDelay later, next to [DONE].
        Assert.True(outcome.Latency - outcome.Ttft >= RestDelay - Early, $"TTFT {outcome.Ttft}, latency {outcome.Latency}");
    }

    [Fact]
    public async Task Without_usage_chat_chunks_with_content_are_counted_and_the_role_chunk_is_not_a_token()
    {
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            Sse.Begin(context);
            await Sse.EventAsync(context, new { choices = new[] { new { index = 0, delta = new { role = "assistant" } } } });
            await Task.Delay(150);
            foreach (string piece in new[] { "a", "b", "", "c" }) await Sse.ChatChunkAsync(context, piece);
            await Sse.DoneAsync(context);
        });
        using var http = server.Client();
        var outcome = await SendWarmAsync(http, EndpointKind.Chat);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal(TokenCountSource.Chunks, outcome.TokenSource);
        Assert.Equal(3, outcome.OutputTokens);
        Assert.Equal(Prompt.PromptTokens, outcome.PromptTokens);
        Assert.InRange(outcome.Ttft, 0.15 - Early, 0.15 + Slack);
    }

    [Fact]
    public async Task The_request_body_asks_for_a_stream_with_usage_max_tokens_and_ignore_eos()
    {
        string? body = null;
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            Sse.Begin(context);
            await Sse.CompletionChunkAsync(context, "x");
            await Sse.DoneAsync(context);
        });
        using var http = server.Client();
        await new OpenAiStreamingClient(http, EndpointKind.Completions, "tiny").SendAsync(Prompt, Stopwatch.GetTimestamp(), CancellationToken.None);

        using var json = System.Text.Json.JsonDocument.Parse(body!);
        var root = json.RootElement;
        Assert.Equal("tiny", root.GetProperty("model").GetString());
        Assert.Equal("hello", root.GetProperty("prompt").GetString());
        Assert.Equal(4, root.GetProperty("max_tokens").GetInt32());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.True(root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.True(root.GetProperty("ignore_eos").GetBoolean());
    }

    [Theory]
    [InlineData("status")]
    [InlineData("error-event")]
    [InlineData("no-done")]
    [InlineData("no-text")]
    public async Task Failures_become_failed_outcomes_with_the_reason(string failure)
    {
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            if (failure == "status")
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("{\"error\":{\"message\":\"overloaded\"}}");
                return;
            }
            Sse.Begin(context);
            if (failure == "error-event") await Sse.EventAsync(context, new { error = new { message = "engine died" } });
            if (failure != "no-text") await Sse.CompletionChunkAsync(context, "x");
            if (failure != "no-done") await Sse.DoneAsync(context);
        });
        using var http = server.Client();
        var outcome = await new OpenAiStreamingClient(http, EndpointKind.Completions, "m").SendAsync(Prompt, Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.False(outcome.Success);
        string expected = failure switch
        {
            "status" => "HTTP 503",
            "error-event" => "engine died",
            "no-done" => "[DONE]",
            _ => "no generated text",
        };
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_a_failed_outcome()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var outcome = await new OpenAiStreamingClient(http, EndpointKind.Completions, "m").SendAsync(Prompt, Stopwatch.GetTimestamp(), CancellationToken.None);
        Assert.False(outcome.Success);
        Assert.Contains("HttpRequestException", outcome.Error, StringComparison.Ordinal);
    }
}
