using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;

namespace InferenceServer.KvCache.Tests.Comparison;

/// <summary>The product's design: <see cref="KvCacheManager"/> with hashed full blocks.</summary>
internal sealed class HashedBlocksSimulator(int blocks, int blockSize) : IPrefixCacheSimulator
{
    private static readonly CacheNamespace Ns = new("bench@1");
    private readonly KvCacheManager _kv = new(blocks, blockSize);

    public string Name => $"hashed blocks ({blockSize})";

    public bool Admit(int id, int[] tokens, out int cachedTokens)
    {
        var seq = new SequenceId(id);
        if (!_kv.TryAllocate(seq, tokens, Ns, out cachedTokens)) return false;
        _kv.CommitFullBlocks(seq, tokens);
        return true;
    }

    public void Finish(int id) => _kv.Free(new SequenceId(id));

    public int Lookup(int[] tokens) => _kv.CountCachedTokens(tokens, Ns);

    public void AssertIdle() => Assert.Equal(_kv.NumBlocks, _kv.FreeBlockCount);
}
