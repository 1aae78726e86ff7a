namespace InferenceServer.KvCache.Tests.Comparison;

/// <summary>One prefix-cache design driven through admission, prefill and finish of requests.</summary>
internal interface IPrefixCacheSimulator
{
    string Name { get; }

    /// <summary>Admits a request and runs its prefill; false when there is no room.</summary>
    bool Admit(int id, int[] tokens, out int cachedTokens);

    void Finish(int id);

    /// <summary>Cached tokens a lookup would find, changing nothing.</summary>
    int Lookup(int[] tokens);

    /// <summary>Checks that nothing leaked once every request finished.</summary>
    void AssertIdle();
}
