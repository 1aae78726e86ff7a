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
            // With a duration, arrivals stop once it is over; requests in flight still finish and count.
            if (plan.DurationSeconds is { } duration && Stopwatch.GetElapsedTime(start).TotalSeconds >= duration) break;
            var prompt = prompts[i % prompts.Count];
            // On the thread pool, so a request's synchronous start (serialising, connecting, JIT) never delays the next arrival.
            tasks.Add(Task.Run(() => SendOneAsync(prompt, slots, start, counters, cancellation), cancellation));
            nextArrival += arrivals.NextGapSeconds();
        }
        var outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
        return new RunOutcome(outcomes, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private async Task<RequestOutcome> SendOneAsync(BenchPrompt prompt, SemaphoreSlim? slots, long start, LiveCounters counters, CancellationToken cancellation)
    {
        if (slots is not null) await slots.WaitAsync(cancellation).ConfigureAwait(false);
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
