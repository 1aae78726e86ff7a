using InferenceServer.KvCache.Hashing;

namespace InferenceServer.KvCache.Tests.Support;

/// <summary>Deliberately weak block hashers: every hit they produce must still be confirmed by the manager.</summary>
internal sealed class TestHasher : IBlockHasher
{
    private readonly XxHash128BlockHasher _real = new();
    private readonly Func<UInt128, int[], UInt128, UInt128> _block;
    private readonly Func<CacheNamespace, UInt128>? _ns;

    private TestHasher(Func<UInt128, int[], UInt128, UInt128> block, Func<CacheNamespace, UInt128>? ns = null)
    {
        _block = block;
        _ns = ns;
    }

    /// <summary>Every block of every namespace hashes to 42.</summary>
    public static TestHasher Constant() => new((_, _, _) => 42u, _ => 7u);

    /// <summary>Ignores the tokens: blocks with the same parent collide.</summary>
    public static TestHasher IgnoringTokens() => new((parent, _, ns) => parent * 31u + ns + 1u);

    /// <summary>Ignores the parent: equal blocks after different prefixes collide.</summary>
    public static TestHasher IgnoringParent() => new((_, t, ns) => ((UInt128)(uint)t[0] << 32 | (uint)t[^1]) ^ ns);

    /// <summary>Ignores the namespace: the same tokens under two adapters collide.</summary>
    public static TestHasher IgnoringNamespace() => new((parent, t, _) => parent * 1_000_003u + (uint)t.Sum(), _ => 0u);

    /// <summary>Sixteen possible values: collisions everywhere, a few genuine hits.</summary>
    public static TestHasher FourBits() => new((parent, t, ns) => (parent * 3u + (uint)t[0] + ns) & 0xFu, _ => 1u);

    public UInt128 HashNamespace(CacheNamespace ns) => _ns is null ? _real.HashNamespace(ns) : _ns(ns);

    public UInt128 HashBlock(UInt128 parent, ReadOnlySpan<int> tokens, UInt128 ns) => _block(parent, tokens.ToArray(), ns);
}
