using System.Diagnostics;
using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Datasets;

namespace InferenceServer.Benchmarking.Load;

/// <summary>
/// Sends a workload as vLLM's benchmark does: each request arrives on the arrival process's clock, then waits for a
/// concurrency slot (client-side queueing is not counted in its latency), then streams.
/// </summary>
public sealed class LoadRunner(OpenAiStreamingClient client)
{
    /// <summary>Sends the first <paramref name="count"/> prompts one by one and drops their results; throws if one fails (the server is not usable).</summary>
    public async Task WarmUpAsync(IReadOnlyList<BenchPrompt> prompts, int count, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        for (int i = 0; i < count; i++)
        {
            var outcome = await client.SendAsync(prompts[i % prompts.Count], Stopwatch.GetTimestamp(), cancellation).ConfigureAwait(false);
            if (!outcome.Success) throw new IOException($"warm-up request failed: {outcome.Error}");
        }
    }

    public async Task<RunOutcome> RunAsync(IReadOnlyList<BenchPrompt> prompts, LoadPlan plan, LiveCounters counters, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(counters);
        if (plan.MaxConcurrency is < 1) throw new ArgumentException($"--max-concurrency must be at least 1 (got {plan.MaxConcurrency})");
        if (plan.DurationSeconds is { } d && !(d > 0)) throw new ArgumentException($"--duration must be positive (got {d})");
        var arrivals = new ArrivalProcess(plan.RequestRate, plan.Burstiness, plan.Seed);
        using var slots = plan.MaxConcurrency is { } cap ? new SemaphoreSlim(cap, cap) : null;
        var tasks = new List<Task<RequestOutcome>>();
        long start = Stopwatch.GetTimestamp();
        double nextArrival = 0;
        for (int i = 0; plan.DurationSeconds is null ? i < plan.NumPrompts : true; i++)
        {
            double now = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (nextArrival > now) await Task.Delay(TimeSpan.FromSeconds(nextArrival - now), cancellation).ConfigureAwait(false);
            // The loop takes the request's slot before issuing it, so a capped run holds at most the cap in tasks (an
            // infinite rate issues the next request when one finishes, not a backlog of waiters), and with a duration
            // it stops waiting when time is up.
            if (slots is not null && !await slots.WaitAsync(TimeLeft(start, plan.DurationSeconds), cancellation).ConfigureAwait(false)) break;
            // With a duration, no request starts once it is over (one still waiting for a slot is not sent); requests
            // in flight still finish and count.
            if (TimeLeft(start, plan.DurationSeconds) == TimeSpan.Zero)
            {
                slots?.Release();
                break;
            }
            var prompt = prompts[i % prompts.Count];
            // On the thread pool, so a request's synchronous start (serialising, connecting, JIT) never delays the next arrival.
            tasks.Add(Task.Run(() => SendOneAsync(prompt, slots, start, counters, cancellation), cancellation));
            nextArrival += arrivals.NextGapSeconds();
        }
        var outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
        return new RunOutcome(outcomes, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>Time left to start requests: infinite without a duration, zero once it is over (capped to what a wait takes).</summary>
    private static TimeSpan TimeLeft(long start, double? duration) =>
        duration is { } d
            ? TimeSpan.FromMilliseconds(Math.Clamp((d - Stopwatch.GetElapsedTime(start).TotalSeconds) * 1000, 0, int.MaxValue - 1))
            : Timeout.InfiniteTimeSpan;

    /// <summary>Sends one request that holds a slot of <paramref name="slots"/> (taken by the caller) and gives it back when done.</summary>
    private async Task<RequestOutcome> SendOneAsync(BenchPrompt prompt, SemaphoreSlim? slots, long start, LiveCounters counters, CancellationToken cancellation)
    {
        try
        {
            counters.Started();
            var outcome = await client.SendAsync(prompt, start, cancellation).ConfigureAwait(false);
            counters.Finished(outcome.Success, outcome.OutputTokens);
            return outcome;
        }
        finally
        {
            slots?.Release();
        }
    }
}
