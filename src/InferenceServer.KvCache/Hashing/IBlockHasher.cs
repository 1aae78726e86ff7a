namespace InferenceServer.KvCache.Hashing;

/// <summary>Chained hash of full blocks; internal so tests can inject a colliding one.</summary>
internal interface IBlockHasher
{
    /// <summary>Hash of a namespace, mixed into every block hash of that namespace.</summary>
    UInt128 HashNamespace(CacheNamespace ns);

    /// <summary>Hash of a full block given its parent's hash (zero for the first block).</summary>
    UInt128 HashBlock(UInt128 parent, ReadOnlySpan<int> tokens, UInt128 ns);
}
