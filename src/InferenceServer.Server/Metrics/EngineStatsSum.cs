using InferenceServer.Engine;
using InferenceServer.KvCache;

namespace InferenceServer.Server.Metrics;

/// <summary>The engine gauges and counters of several engines (the versions of a models folder) as one, so the server's vLLM metrics cover all of them.</summary>
public static class EngineStatsSum
{
    public static EngineStats Of(IEnumerable<EngineStats> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var list = all.ToList();
        int total = list.Sum(s => s.TotalBlocks), free = list.Sum(s => s.FreeBlocks);
        return new EngineStats(
            list.Sum(s => s.RunningRequests),
            list.Sum(s => s.WaitingRequests),
            total,
            free,
            // Usage of the summed pools, as one pool of all their blocks would report it.
            total == 0 ? 0 : 1 - (double)free / total,
            new PrefixCacheStats(list.Sum(s => s.PrefixCache.Requests), list.Sum(s => s.PrefixCache.QueryTokens), list.Sum(s => s.PrefixCache.HitTokens)),
            list.Sum(s => s.Preemptions),
            list.Sum(s => s.Steps));
    }
}
