using System.Diagnostics;

namespace InferenceServer.KvCache.Tests.Comparison;

/// <summary>Runs one design through one workload: hit rate in tokens, admission time and lookup time.</summary>
/// <remarks>
/// Times are the best of several repetitions (the workload is deterministic, so every repetition has the same
/// hits): on a shared machine the minimum is the figure least disturbed by other processes.
/// </remarks>
internal static class PrefixCacheComparison
{
    public sealed record Result(string Design, double HitRate, long HitTokens, long QueryTokens, int Failures, double MicrosPerRequest, double MicrosPerLookup);

    public static Result Run(Func<IPrefixCacheSimulator> create, SharedPrefixWorkload workload, int[][] requests, int repetitions = 3, int lookups = 2000)
    {
        Result? best = null;
        for (int rep = 0; rep < repetitions; rep++)
        {
            var r = RunOnce(create(), workload, requests, lookups);
            if (best is not null) Assert.Equal(best.HitTokens, r.HitTokens);
            best = best is null ? r : r with
            {
                MicrosPerRequest = Math.Min(best.MicrosPerRequest, r.MicrosPerRequest),
                MicrosPerLookup = Math.Min(best.MicrosPerLookup, r.MicrosPerLookup),
            };
        }
        return best!;
    }

    private static Result RunOnce(IPrefixCacheSimulator sim, SharedPrefixWorkload workload, int[][] requests, int lookups)
    {
        var live = new Queue<int>();
        long hits = 0, queries = 0;
        int failures = 0;
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < requests.Length; r++)
        {
            if (live.Count == workload.Live) sim.Finish(live.Dequeue());
            if (sim.Admit(r, requests[r], out int cached))
            {
                Assert.InRange(cached, 0, requests[r].Length - 1);
                hits += cached;
                queries += requests[r].Length;
                live.Enqueue(r);
            }
            else failures++;
        }
        while (live.Count > 0) sim.Finish(live.Dequeue());
        double perRequest = clock.Elapsed.TotalMicroseconds / requests.Length;
        sim.AssertIdle();

        // Read-only lookups against the final cache, over the last requests (some cached, some evicted),
        // in rounds: the fastest round is the one least disturbed.
        int checksum = 0;
        double perLookup = double.MaxValue;
        const int Rounds = 10;
        for (int round = 0; round < Rounds; round++)
        {
            clock.Restart();
            for (int i = 0; i < lookups / Rounds; i++) checksum += sim.Lookup(requests[requests.Length - 1 - i % Math.Min(200, requests.Length)]);
            perLookup = Math.Min(perLookup, clock.Elapsed.TotalMicroseconds / Math.Max(1, lookups / Rounds));
        }
        Assert.True(checksum >= 0);
        return new Result(sim.Name, queries == 0 ? 0 : (double)hits / queries, hits, queries, failures, perRequest, perLookup);
    }
}
