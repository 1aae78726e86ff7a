namespace InferenceServer.KvCache.Blocks;

/// <summary>
/// One block at one generation: the generation counts how often the block was handed out fresh, so a
/// reference taken before the block was evicted and rewritten no longer matches it.
/// </summary>
internal readonly record struct BlockRef(int Block, long Generation)
{
    /// <summary>The parent of a sequence's first block.</summary>
    public static BlockRef None { get; } = new(-1, 0);
}
