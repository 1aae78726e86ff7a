using System.Diagnostics;
using System.Net;
using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Datasets;
using InferenceServer.Benchmarking.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Benchmarking.Tests.Client;

/// <summary>What the client tells a caller about a refused request, and a caller leaving a stream mid-answer.</summary>
// Its Kestrel servers would otherwise run beside the timing tests and stall their clocks on a 2-core machine.
[Collection(TimingCollection.Name)]
public sealed class RefusalAndLeavingTests
{
    private static readonly BenchPrompt Prompt = new("hello", 5, 4);

    [Fact]
    public async Task A_refusal_carries_its_status_and_retry_after()
    {
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "3";
            await context.Response.WriteAsync("{\"error\":{\"message\":\"queue full\"}}");
        });
        using var http = server.Client();
        var outcome = await new OpenAiStreamingClient(http, EndpointKind.Completions, "m").SendAsync(Prompt, Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.Equal(HttpStatusCode.TooManyRequests, outcome.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.RetryAfter);
        Assert.Contains("HTTP 429", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_answer_has_no_status_or_retry_after()
    {
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            Sse.Begin(context);
            await Sse.CompletionChunkAsync(context, "x");
            await Sse.DoneAsync(context);
        });
        using var http = server.Client();
        var outcome = await new OpenAiStreamingClient(http, EndpointKind.Completions, "m").SendAsync(Prompt, Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Null(outcome.StatusCode);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task Cancelling_from_the_event_callback_leaves_at_that_event_even_when_more_are_buffered()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeOpenAiServer.StartAsync(async context =>
        {
            Sse.Begin(context);
            // All sent at once, so the client holds several in its buffer when it leaves.
            for (int i = 0; i < 20; i++) await Sse.CompletionChunkAsync(context, "t");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.SetResult();
            }
        });
        // No draining of the unread answer on dispose, so leaving closes the connection.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseUrl };
        using var leave = new CancellationTokenSource();
        int seen = 0;
        var client = new OpenAiStreamingClient(http, EndpointKind.Completions, "m");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(Prompt, Stopwatch.GetTimestamp(), _ =>
        {
            if (++seen == 2) leave.Cancel();
        }, leave.Token));

        Assert.Equal(2, seen);
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
