using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Datasets;
using InferenceServer.Benchmarking.Load;
using InferenceServer.Benchmarking.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Benchmarking.Tests.Load;

/// <summary>The load runner against a real Kestrel server that counts the requests it holds at once.</summary>
[Collection(TimingCollection.Name)]
public sealed class LoadRunnerTests
{
    private static readonly BenchPrompt[] Prompts = [new("ok", 2, 3), new("fail", 2, 3)];

    /// <summary>Streams three chunks over ~150 ms, or answers 500 to the prompt "fail"; tracks the most requests in flight.</summary>
    private sealed class CountingHandler
    {
        private const int Chunks = 3;
        private static readonly TimeSpan ChunkDelay = TimeSpan.FromMilliseconds(50);
        private int _inFlight, _peak, _seen;

        /// <summary>The least time the server holds an "ok" request.</summary>
        public static double MinSeconds => Chunks * ChunkDelay.TotalSeconds;

        public int Peak => Volatile.Read(ref _peak);

        public int Seen => Volatile.Read(ref _seen);

        public async Task HandleAsync(HttpContext context)
        {
            Interlocked.Increment(ref _seen);
            int now = Interlocked.Increment(ref _inFlight);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
            try
            {
                string body = await new StreamReader(context.Request.Body).ReadToEndAsync();
                if (body.Contains("\"fail\"", StringComparison.Ordinal))
                {
                    context.Response.StatusCode = 500;
                    return;
                }
                Sse.Begin(context);
                for (int i = 0; i < Chunks; i++)
                {
                    await Task.Delay(ChunkDelay);
                    await Sse.CompletionChunkAsync(context, "t");
                }
                await Sse.UsageAsync(context, 2, 3);
                await Sse.DoneAsync(context);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private static async Task<(RunOutcome Run, CountingHandler Server, LiveCounters Counters)> RunAsync(LoadPlan plan, IReadOnlyList<BenchPrompt> prompts, CancellationToken cancellation = default)
    {
        var handler = new CountingHandler();
        await using var server = await FakeOpenAiServer.StartAsync(handler.HandleAsync);
        using var http = server.Client();
        var counters = new LiveCounters();
        var run = await new LoadRunner(new OpenAiStreamingClient(http, EndpointKind.Completions, "m")).RunAsync(prompts, plan, counters, cancellation);
        return (run, handler, counters);
    }

    [Fact]
    public async Task Max_concurrency_caps_the_requests_the_server_holds_at_once()
    {
        var (run, server, counters) = await RunAsync(new LoadPlan { NumPrompts = 8, MaxConcurrency = 2 }, [Prompts[0]]);
        Assert.Equal(8, run.Requests.Count);
        Assert.All(run.Requests, r => Assert.True(r.Success, r.Error));
        Assert.Equal(2, server.Peak);
        Assert.Equal(8, counters.Completed);
        Assert.Equal(0, counters.InFlight);
        Assert.Equal(24, counters.OutputTokens);
        // Four waves of two ~150 ms streams.
        Assert.True(run.DurationSeconds >= 0.55, $"duration {run.DurationSeconds}");
    }

    [Fact]
    public async Task An_infinite_rate_without_a_cap_sends_everything_at_once_and_failures_are_counted()
    {
        var (run, server, counters) = await RunAsync(new LoadPlan { NumPrompts = 8 }, Prompts);
        Assert.True(server.Peak >= 3, $"peak {server.Peak}"); // the 4 "ok" streams overlap (the 500s return at once)
        Assert.Equal(4, run.Requests.Count(r => r.Success));
        Assert.Equal(4, run.Requests.Count(r => !r.Success && r.Error!.StartsWith("HTTP 500", StringComparison.Ordinal)));
        Assert.Equal(4, counters.Failed);
    }

    [Fact]
    public async Task A_finite_rate_spreads_arrivals_over_time()
    {
        // 10 arrivals at 20/s: the last comes after the sum of 9 gaps (mean 0.45 s); all-at-once would take ~0.15 s.
        var (run, _, _) = await RunAsync(new LoadPlan { NumPrompts = 10, RequestRate = 20, Burstiness = 4, Seed = 1 }, [Prompts[0]]);
        double lastSent = run.Requests.Max(r => r.SentAt);
        Assert.InRange(lastSent, 0.2, 1.5);
        Assert.Equal(run.Requests.Select(r => r.SentAt).Order(), run.Requests.Select(r => r.SentAt));
    }

    [Fact]
    public async Task A_duration_stops_arrivals_when_it_is_over_and_lets_requests_in_flight_finish()
    {
        // Two seconds at 20/s (about 40 arrivals): long enough that a thread pool starved for half a second on a busy
        // CI machine still leaves several arrivals, with half a second of slack for a send that starvation delays.
        const double duration = 2;
        var (run, server, _) = await RunAsync(new LoadPlan { DurationSeconds = duration, RequestRate = 20, Seed = 2 }, [Prompts[0]]);
        Assert.InRange(run.Requests.Count, 3, 80);
        Assert.Equal(server.Seen, run.Requests.Count);
        Assert.All(run.Requests, r => Assert.True(r.SentAt < duration + 0.5, $"sent at {r.SentAt:F3} s"));
        Assert.All(run.Requests, r => Assert.True(r.Success, r.Error));
    }

    [Fact]
    public async Task A_duration_with_an_infinite_rate_and_a_cap_sends_no_request_after_it_and_ends_promptly()
    {
        const double duration = 1;
        const int cap = 2;
        var limit = TimeSpan.FromSeconds(10);
        using var giveUp = new CancellationTokenSource(limit);
        RunOutcome run;
        CountingHandler server;
        try
        {
            (run, server, _) = await RunAsync(new LoadPlan { DurationSeconds = duration, MaxConcurrency = cap }, [Prompts[0]], giveUp.Token);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            throw new TimeoutException($"a {duration} s run was still going after {limit.TotalSeconds} s");
        }
        // Each slot sends one request after another and the server holds each at least MinSeconds, so no slot can
        // start more than duration / MinSeconds + 1 before time is up.
        int most = cap * ((int)Math.Floor(duration / CountingHandler.MinSeconds) + 1);
        Assert.InRange(run.Requests.Count, cap, most);
        Assert.Equal(server.Seen, run.Requests.Count);
        Assert.InRange(server.Peak, 1, cap);
        // None starts after the duration. A request is timed when its task sends it, which a busy machine can delay
        // past the deadline; such a request was issued before it and holds a slot, so at most the cap can be late.
        var late = run.Requests.Where(r => r.SentAt >= duration).Select(r => r.SentAt).ToList();
        Assert.True(late.Count <= cap, $"sent after the duration: {string.Join(", ", late.Select(t => $"{t:F3} s"))}");
        Assert.All(run.Requests, r => Assert.True(r.Success, r.Error));
    }

    [Fact]
    public async Task A_failing_warm_up_stops_the_benchmark_with_the_reason()
    {
        var handler = new CountingHandler();
        await using var server = await FakeOpenAiServer.StartAsync(handler.HandleAsync);
        using var http = server.Client();
        var runner = new LoadRunner(new OpenAiStreamingClient(http, EndpointKind.Completions, "m"));
        var e = await Assert.ThrowsAsync<IOException>(() => runner.WarmUpAsync([Prompts[1]], 1, CancellationToken.None));
        Assert.Contains("HTTP 500", e.Message, StringComparison.Ordinal);
        await runner.WarmUpAsync([Prompts[0]], 2, CancellationToken.None);
        Assert.Equal(3, handler.Seen);
    }
}
