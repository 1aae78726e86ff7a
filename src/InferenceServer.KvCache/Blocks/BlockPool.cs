using InferenceServer.KvCache.Hashing;

namespace InferenceServer.KvCache.Blocks;

/// <summary>
/// The bookkeeping of a KV pool of <see cref="NumBlocks"/> blocks of <see cref="BlockSize"/> tokens that a
/// backend owns: reference counts, the LRU free list, and the prefix cache (hash to block, with the tokens of
/// every cached block kept to confirm hits). Blocks are plain ids; nothing here knows about tensors.
/// </summary>
/// <remarks>
/// A block whose reference count drops to zero stays in the cache with its hash until it is handed out
/// again: freed cached blocks go to the tail of the free list and allocation takes from the head, so cached
/// prefixes are evicted least recently used first (vLLM V1's BlockPool). Every operation is O(1) and none
/// allocates. Not thread-safe.
/// </remarks>
public sealed class BlockPool
{
    private readonly int[] _refCount;
    private readonly long[] _generation;
    private readonly bool[] _cached;
    private readonly UInt128[] _hash;
    private readonly int[] _tokens;
    private readonly BlockRef[] _parent;
    private readonly CacheNamespace[] _namespace;
    private readonly Dictionary<UInt128, int> _byHash;
    private readonly FreeBlockQueue _free;

    public BlockPool(int numBlocks, int blockSize = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBlocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        _refCount = new int[numBlocks];
        _generation = new long[numBlocks];
        _cached = new bool[numBlocks];
        _hash = new UInt128[numBlocks];
        _tokens = new int[checked(numBlocks * blockSize)];
        _parent = new BlockRef[numBlocks];
        _namespace = new CacheNamespace[numBlocks];
        _byHash = new Dictionary<UInt128, int>(numBlocks);
        _free = new FreeBlockQueue(numBlocks);
    }

    /// <summary>Blocks in the pool.</summary>
    public int NumBlocks { get; }

    /// <summary>Tokens per block.</summary>
    public int BlockSize { get; }

    /// <summary>Blocks no sequence holds (cached ones among them, which allocation may evict).</summary>
    public int FreeBlockCount => _free.Count;

    /// <summary>Blocks findable by hash, held or not.</summary>
    public int CachedBlockCount => _byHash.Count;

    /// <summary>How many sequences hold the block.</summary>
    public int RefCount(int block) => _refCount[block];

    /// <summary>Whether the block is in the prefix cache.</summary>
    public bool IsCached(int block) => _cached[block];

    /// <summary>Whether the block sits in the free list.</summary>
    public bool IsFree(int block) => _free.Contains(block);

    /// <summary>The token ids a cached block was committed with.</summary>
    public ReadOnlySpan<int> Tokens(int block) => _tokens.AsSpan(block * BlockSize, BlockSize);

    /// <summary>Takes the least recently used free block, evicting its cached hash, with a reference count of one.</summary>
    public int Allocate()
    {
        int block = _free.PopFront();
        Evict(block);
        // The block's KV is about to be overwritten: references taken to its old content must stop matching.
        _generation[block]++;
        _refCount[block] = 1;
        return block;
    }

    /// <summary>Adds a reference to a block; a free (cached) block leaves the free list, which is a cache hit's touch.</summary>
    public void Acquire(int block)
    {
        if (_refCount[block] == 0) _free.Remove(block);
        _refCount[block]++;
    }

    /// <summary>
    /// Drops a reference. At zero the block becomes free: a cached block joins the tail (most recently used),
    /// a plain one the head, since its KV is worth nothing and it should be reused before any cached block.
    /// </summary>
    public void Release(int block)
    {
        if (_refCount[block] <= 0) throw new InvalidOperationException($"block {block} released more often than acquired");
        if (--_refCount[block] > 0) return;
        if (_cached[block]) _free.PushBack(block);
        else _free.PushFront(block);
    }

    /// <summary>Forgets every sequence and every cached block.</summary>
    public void Reset()
    {
        Array.Clear(_refCount);
        Array.Clear(_cached);
        Array.Clear(_hash);
        Array.Clear(_parent);
        Array.Clear(_namespace);
        _byHash.Clear();
        _free.Fill();
        // Generations keep counting: a reference taken before the reset must not match a block after it.
        for (int i = 0; i < _generation.Length; i++) _generation[i]++;
    }

    /// <summary>The block at its current generation.</summary>
    internal BlockRef RefOf(int block) => new(block, _generation[block]);

    /// <summary>Whether the block still holds what it held when the reference was taken.</summary>
    internal bool IsCurrent(BlockRef reference) => reference.Block >= 0 && _generation[reference.Block] == reference.Generation;

    /// <summary>The cached block with this hash, if any (a candidate only: confirm it with <see cref="Confirms"/>).</summary>
    internal bool TryGetCached(UInt128 hash, out int block) => _byHash.TryGetValue(hash, out block);

    /// <summary>
    /// Whether a cached block holds exactly the KV of <paramref name="tokens"/> after the content of
    /// <paramref name="parent"/> in namespace <paramref name="ns"/>: same tokens, same parent block at the same
    /// generation, same namespace. This is what makes a hash collision harmless.
    /// </summary>
    internal bool Confirms(int block, ReadOnlySpan<int> tokens, BlockRef parent, CacheNamespace ns) =>
        _cached[block] && _parent[block] == parent && _namespace[block] == ns && Tokens(block).SequenceEqual(tokens);

    /// <summary>Makes a held, full block findable by hash; a block that held the hash before loses it.</summary>
    internal void Register(int block, UInt128 hash, ReadOnlySpan<int> tokens, BlockRef parent, CacheNamespace ns)
    {
        if (_refCount[block] <= 0) throw new InvalidOperationException($"block {block} is not held");
        if (_cached[block]) throw new InvalidOperationException($"block {block} is already cached");
        if (tokens.Length != BlockSize) throw new ArgumentException($"a block holds {BlockSize} tokens, not {tokens.Length}", nameof(tokens));
        if (_byHash.TryGetValue(hash, out int previous)) _cached[previous] = false;
        _byHash[hash] = block;
        _cached[block] = true;
        _hash[block] = hash;
        _parent[block] = parent;
        _namespace[block] = ns;
        tokens.CopyTo(_tokens.AsSpan(block * BlockSize, BlockSize));
    }

    private void Evict(int block)
    {
        if (!_cached[block]) return;
        _byHash.Remove(_hash[block]);
        _cached[block] = false;
        _namespace[block] = default;
    }
}
