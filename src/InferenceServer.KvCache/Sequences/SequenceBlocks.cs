using InferenceServer.KvCache.Blocks;
using InferenceServer.KvCache.Hashing;

namespace InferenceServer.KvCache.Sequences;

/// <summary>
/// One sequence's block table and how far its blocks are committed to the prefix cache. Instances are pooled
/// by the manager, so admitting a request allocates nothing once the pool has warmed up.
/// </summary>
internal sealed class SequenceBlocks
{
    private int[] _blocks = new int[8];

    /// <summary>Blocks in the table.</summary>
    public int BlockCount { get; private set; }

    /// <summary>Token positions that have a slot.</summary>
    public int SlotCount { get; set; }

    /// <summary>Leading full blocks already hashed (found in the cache or committed).</summary>
    public int CommittedBlocks { get; set; }

    /// <summary>Hash of the last committed block; zero before the first.</summary>
    public UInt128 LastHash { get; set; }

    /// <summary>
    /// The cached block that holds the same KV as the last committed one: the sequence's own block, or the block
    /// another sequence registered first with the same content. Children are registered under it.
    /// </summary>
    public BlockRef LastCanonical { get; set; }

    /// <summary>Set once the canonical parent was evicted: later blocks can no longer be registered.</summary>
    public bool ChainBroken { get; set; }

    public CacheNamespace Namespace { get; set; }

    public UInt128 NamespaceHash { get; set; }

    public ReadOnlySpan<int> Blocks => _blocks.AsSpan(0, BlockCount);

    public int this[int index] => _blocks[index];

    public void Add(int block)
    {
        // Doubling keeps growth amortised; a pooled instance keeps its array for the next sequence.
        if (BlockCount == _blocks.Length) Array.Resize(ref _blocks, _blocks.Length * 2);
        _blocks[BlockCount++] = block;
    }

    public void Clear()
    {
        BlockCount = 0;
        SlotCount = 0;
        CommittedBlocks = 0;
        LastHash = UInt128.Zero;
        LastCanonical = BlockRef.None;
        ChainBroken = false;
        Namespace = default;
        NamespaceHash = UInt128.Zero;
    }
}
