namespace InferenceServer.KvCache;

/// <summary>
/// Prefix-cache counters since start (or the last reset), in tokens as vLLM's
/// <c>vllm:prefix_cache_queries</c> and <c>vllm:prefix_cache_hits</c> count them.
/// </summary>
public readonly record struct PrefixCacheStats(long Requests, long QueryTokens, long HitTokens)
{
    /// <summary>Hit tokens over queried tokens; zero before any query.</summary>
    public double HitRate => QueryTokens == 0 ? 0 : (double)HitTokens / QueryTokens;
}
