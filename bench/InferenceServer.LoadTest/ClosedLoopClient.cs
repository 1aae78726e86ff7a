using System.Net;
using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Datasets;

namespace InferenceServer.LoadTest;

/// <summary>
/// One simulated user: streams the prompt through <c>bench serve</c>'s client back to back until the time is up. A 429
/// is counted and retried after its Retry-After; any other failed outcome, or a stream without usage, is an error. A
/// disconnecting user instead leaves each stream after 1 to 10 events, closing its connection.
/// </summary>
internal sealed class ClosedLoopClient(OpenAiStreamingClient client, BenchPrompt prompt, bool disconnects = false, int seed = 0)
{
    private readonly Random _random = new(seed);

    /// <summary>Streams until <paramref name="until"/>; outcomes' send times count from the Stopwatch timestamp <paramref name="runStart"/>.</summary>
    public async Task<ClientStats> RunAsync(DateTime until, long runStart)
    {
        var stats = new ClientStats();
        while (DateTime.UtcNow < until)
        {
            using var leave = new CancellationTokenSource();
            int leaveAfter = disconnects ? _random.Next(1, 11) : int.MaxValue, events = 0;
            RequestOutcome outcome;
            try
            {
                outcome = await client.SendAsync(prompt, runStart, _ =>
                {
                    if (++events > leaveAfter) leave.Cancel();
                }, leave.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (leave.IsCancellationRequested)
            {
                // The unread response was disposed without draining (see Program): the connection is gone.
                stats.Disconnected++;
                continue;
            }
            if (outcome.StatusCode == HttpStatusCode.TooManyRequests)
            {
                stats.Rejected++;
                await Task.Delay(outcome.RetryAfter ?? TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                continue;
            }
            // Our server always sends usage when asked: its absence is a bug here, not a reason to count chunks.
            stats.Outcomes.Add(outcome is { Success: true, TokenSource: TokenCountSource.Chunks }
                ? outcome with { Success = false, Error = "the stream ended without usage" }
                : outcome);
        }
        return stats;
    }
}
