using InferenceServer.KvCache.Tests.Radix;

namespace InferenceServer.KvCache.Tests.Comparison;

/// <summary>
/// SGLang's flow over <see cref="RadixPrefixCache"/>: match and lock at admission, insert the prompt after
/// prefill (taking the tree's pages for any duplicate), unlock at finish.
/// </summary>
internal sealed class RadixTreeSimulator(int pages, int pageSize) : IPrefixCacheSimulator
{
    private readonly RadixPrefixCache _tree = new(pages, pageSize);
    private readonly Dictionary<int, (RadixPrefixCache.Node Node, List<int> TailPages)> _running = [];
    private readonly List<int> _scratch = [];

    public string Name => $"radix tree ({pageSize})";

    public bool Admit(int id, int[] tokens, out int cachedTokens)
    {
        int ps = _tree.PageSize;
        var pages = new List<int>();
        // Never the whole prompt: the last token is computed.
        int limit = (tokens.Length - 1) / ps * ps;
        var node = _tree.Match(tokens.AsSpan(0, limit), pages);
        int matchedPages = pages.Count;
        cachedTokens = matchedPages * ps;
        _tree.Lock(node);
        if (!_tree.TryAllocate((tokens.Length + ps - 1) / ps - matchedPages, pages))
        {
            _tree.Unlock(node);
            cachedTokens = 0;
            return false;
        }
        // Prefill done: the full pages go to the tree; pages the tree already had are duplicates.
        int fullPages = tokens.Length / ps;
        int held = _tree.Insert(tokens.AsSpan(0, fullPages * ps), pages) / ps;
        for (int i = matchedPages; i < held; i++) _tree.Release(pages[i]);
        _scratch.Clear();
        var last = _tree.Match(tokens.AsSpan(0, fullPages * ps), _scratch);
        Assert.Equal(fullPages, _scratch.Count);
        _tree.Lock(last);
        _tree.Unlock(node);
        _running.Add(id, (last, pages.GetRange(fullPages, pages.Count - fullPages)));
        return true;
    }

    public void Finish(int id)
    {
        Assert.True(_running.Remove(id, out var r));
        _tree.Unlock(r.Node);
        foreach (var p in r.TailPages) _tree.Release(p);
    }

    public int Lookup(int[] tokens) => _tree.CountMatch(tokens.AsSpan(0, (tokens.Length - 1) / _tree.PageSize * _tree.PageSize));

    public void AssertIdle()
    {
        Assert.Equal(0, _tree.LockedPages);
        Assert.Equal(_tree.CapacityPages, _tree.FreePages + _tree.EvictablePages);
    }
}
