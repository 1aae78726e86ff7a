using InferenceServer.KvCache.Blocks;
using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;

namespace InferenceServer.KvCache;

/// <summary>
/// The paged-KV block manager the scheduler talks to: per sequence a block table over a <see cref="BlockPool"/>,
/// with automatic prefix sharing of full blocks (chained hashes, confirmed by tokens, parent and namespace).
/// </summary>
/// <remarks>
/// Protocol per sequence: <see cref="TryAllocate"/> at admission (reuses the longest cached run of full blocks),
/// <see cref="AppendSlots"/> as chunks and decoded tokens arrive, <see cref="CommitFullBlocks"/> once their KV
/// is written (which makes full blocks shareable), and <see cref="Free"/> when the request ends or is preempted.
/// Shared blocks are always full and before the first position a sequence computes, so no sequence ever
/// writes a block another one reads. No call allocates in steady state. Not thread-safe: one engine thread.
/// </remarks>
public sealed class KvCacheManager
{
    private readonly BlockPool _pool;
    private readonly IBlockHasher _hasher;
    private readonly Dictionary<SequenceId, SequenceBlocks> _sequences = [];
    private readonly Stack<SequenceBlocks> _spare = new();
    private readonly int[] _matched;
    private long _requests;
    private long _queryTokens;
    private long _hitTokens;

    public KvCacheManager(int numBlocks, int blockSize = 16, bool enablePrefixCaching = true)
        : this(numBlocks, blockSize, enablePrefixCaching, new XxHash128BlockHasher())
    {
    }

    /// <summary>With a chosen hasher: tests use a colliding one to show hits are confirmed.</summary>
    internal KvCacheManager(int numBlocks, int blockSize, bool enablePrefixCaching, IBlockHasher hasher)
    {
        _pool = new BlockPool(numBlocks, blockSize);
        _hasher = hasher;
        _matched = new int[numBlocks];
        PrefixCachingEnabled = enablePrefixCaching;
    }

    /// <summary>Blocks in the pool.</summary>
    public int NumBlocks => _pool.NumBlocks;

    /// <summary>Tokens per block.</summary>
    public int BlockSize => _pool.BlockSize;

    /// <summary>Whether full blocks are shared between sequences.</summary>
    public bool PrefixCachingEnabled { get; }

    /// <summary>Blocks not held by any sequence (cached blocks that may be evicted included).</summary>
    public int FreeBlockCount => _pool.FreeBlockCount;

    /// <summary>Fraction of blocks held by sequences, as <c>vllm:kv_cache_usage_perc</c> reports it.</summary>
    public double UsageFraction => 1.0 - (double)_pool.FreeBlockCount / _pool.NumBlocks;

    /// <summary>Blocks findable in the prefix cache, held or not.</summary>
    public int CachedBlockCount => _pool.CachedBlockCount;

    /// <summary>Sequences holding blocks.</summary>
    public int SequenceCount => _sequences.Count;

    /// <summary>Prefix-cache queries and hits, in tokens, over successful allocations.</summary>
    public PrefixCacheStats Stats => new(_requests, _queryTokens, _hitTokens);

    internal BlockPool Pool => _pool;

    /// <summary>Whether the sequence holds blocks.</summary>
    public bool Contains(SequenceId seq) => _sequences.ContainsKey(seq);

    /// <summary>How many leading tokens <see cref="TryAllocate"/> would find cached now; changes nothing.</summary>
    public int CountCachedTokens(ReadOnlySpan<int> tokens, CacheNamespace ns)
    {
        if (!PrefixCachingEnabled || tokens.Length == 0) return 0;
        return MatchPrefix(tokens, ns, _hasher.HashNamespace(ns), out _) * BlockSize;
    }

    /// <summary>
    /// Admits a sequence with its prompt: reuses the longest cached run of full blocks (never the whole prompt:
    /// the last token is always computed), then allocates blocks for up to <paramref name="maxNewTokens"/> more
    /// tokens (a prefill chunk; the rest comes through <see cref="AppendSlots"/>). Returns false, changing
    /// nothing, when the free blocks do not suffice.
    /// </summary>
    public bool TryAllocate(SequenceId seq, ReadOnlySpan<int> tokens, CacheNamespace ns, out int cachedTokens, int maxNewTokens = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(ns.ModelVersion, nameof(ns));
        if (tokens.Length == 0) throw new ArgumentException("a sequence needs at least one token", nameof(tokens));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNewTokens);
        if (_sequences.ContainsKey(seq)) throw new InvalidOperationException($"sequence {seq.Value} already holds blocks");

        UInt128 nsHash = _hasher.HashNamespace(ns);
        UInt128 lastHash = UInt128.Zero;
        int matched = PrefixCachingEnabled ? MatchPrefix(tokens, ns, nsHash, out lastHash) : 0;
        int cached = matched * BlockSize;
        int slots = cached + Math.Min(tokens.Length - cached, maxNewTokens);
        int needed = BlocksFor(slots) - matched;
        // A hit on a block nobody holds takes it out of the free list, so it cannot also serve as a new block.
        int hitsOnFree = 0;
        for (int i = 0; i < matched; i++)
            if (_pool.RefCount(_matched[i]) == 0) hitsOnFree++;
        if (needed > _pool.FreeBlockCount - hitsOnFree)
        {
            cachedTokens = 0;
            return false;
        }

        var state = _spare.Count > 0 ? _spare.Pop() : new SequenceBlocks();
        for (int i = 0; i < matched; i++)
        {
            _pool.Acquire(_matched[i]);
            state.Add(_matched[i]);
        }
        for (int i = 0; i < needed; i++) state.Add(_pool.Allocate());
        state.SlotCount = slots;
        state.CommittedBlocks = matched;
        state.LastHash = lastHash;
        state.LastCanonical = matched > 0 ? _pool.RefOf(_matched[matched - 1]) : BlockRef.None;
        state.Namespace = ns;
        state.NamespaceHash = nsHash;
        _sequences.Add(seq, state);

        _requests++;
        _queryTokens += tokens.Length;
        _hitTokens += cached;
        cachedTokens = cached;
        return true;
    }

    /// <summary>
    /// Gives the sequence slots for <paramref name="newTokens"/> more positions, allocating blocks where they
    /// cross a block boundary. Returns false, changing nothing, when the free blocks do not suffice.
    /// </summary>
    public bool AppendSlots(SequenceId seq, int newTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newTokens);
        var state = Get(seq);
        int slots = state.SlotCount + newTokens;
        int needed = BlocksFor(slots) - state.BlockCount;
        if (needed > _pool.FreeBlockCount) return false;
        for (int i = 0; i < needed; i++) state.Add(_pool.Allocate());
        state.SlotCount = slots;
        return true;
    }

    /// <summary>
    /// Makes the sequence's full blocks shareable once their KV is written: <paramref name="tokens"/> are all
    /// the sequence's tokens whose KV is in its slots (prompt and generated so far, at least the ones given at
    /// allocation). Blocks already committed are skipped, so calling this after every step costs one hash per
    /// newly filled block.
    /// </summary>
    public void CommitFullBlocks(SequenceId seq, ReadOnlySpan<int> tokens)
    {
        var state = Get(seq);
        if (tokens.Length > state.SlotCount)
            throw new ArgumentException($"{tokens.Length} tokens but only {state.SlotCount} slots", nameof(tokens));
        int full = tokens.Length / BlockSize;
        if (!PrefixCachingEnabled || state.ChainBroken)
        {
            state.CommittedBlocks = Math.Max(state.CommittedBlocks, full);
            return;
        }
        for (int i = state.CommittedBlocks; i < full; i++)
        {
            var blockTokens = tokens.Slice(i * BlockSize, BlockSize);
            var parent = state.LastCanonical;
            if (i > 0 && !_pool.IsCurrent(parent))
            {
                // The cached twin of our previous block was evicted; our own copy was never registered, so
                // nothing can name a parent for the rest of this sequence. Only future hits are lost.
                state.ChainBroken = true;
                state.CommittedBlocks = full;
                return;
            }
            UInt128 hash = _hasher.HashBlock(state.LastHash, blockTokens, state.NamespaceHash);
            int own = state[i];
            if (_pool.TryGetCached(hash, out int twin) && _pool.Confirms(twin, blockTokens, parent, state.Namespace))
            {
                // Another sequence computed the same block first. Ours stays private (rewriting a running
                // sequence's block table is not worth it) and is reused first once freed.
                state.LastCanonical = _pool.RefOf(twin);
            }
            else
            {
                _pool.Register(own, hash, blockTokens, parent, state.Namespace);
                state.LastCanonical = _pool.RefOf(own);
            }
            state.LastHash = hash;
            state.CommittedBlocks = i + 1;
        }
    }

    /// <summary>
    /// Releases all blocks of the sequence. Committed blocks stay cached (evictable, least recently used
    /// first); the others are reused first.
    /// </summary>
    public void Free(SequenceId seq)
    {
        if (!_sequences.Remove(seq, out var state))
            throw new InvalidOperationException($"sequence {seq.Value} holds no blocks (freed twice?)");
        // Last block first: cached blocks freed later sit later in the LRU list, so a sequence's tail is
        // evicted before its prefix, which more requests share (vLLM frees in the same order).
        for (int i = state.BlockCount - 1; i >= 0; i--) _pool.Release(state[i]);
        state.Clear();
        _spare.Push(state);
    }

    /// <summary>The sequence's block ids, one per <see cref="BlockSize"/> positions.</summary>
    public ReadOnlySpan<int> BlockTable(SequenceId seq) => Get(seq).Blocks;

    /// <summary>Positions of the sequence that have a slot.</summary>
    public int SlotCount(SequenceId seq) => Get(seq).SlotCount;

    /// <summary>Leading tokens of the sequence found in the cache or committed to it.</summary>
    public int CommittedTokens(SequenceId seq) => Get(seq).CommittedBlocks * BlockSize;

    /// <summary>The slot (block * BlockSize + offset) that holds the KV of a position of the sequence.</summary>
    public int SlotFor(SequenceId seq, int position)
    {
        var state = Get(seq);
        if ((uint)position >= (uint)state.SlotCount) throw new ArgumentOutOfRangeException(nameof(position));
        return state[position / BlockSize] * BlockSize + position % BlockSize;
    }

    /// <summary>Drops every sequence, the prefix cache and the counters.</summary>
    public void Reset()
    {
        foreach (var state in _sequences.Values)
        {
            state.Clear();
            _spare.Push(state);
        }
        _sequences.Clear();
        _pool.Reset();
        _requests = _queryTokens = _hitTokens = 0;
    }

    private SequenceBlocks Get(SequenceId seq) =>
        _sequences.TryGetValue(seq, out var state) ? state : throw new KeyNotFoundException($"sequence {seq.Value} holds no blocks");

    private int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;

    // The longest run of leading full blocks whose KV is cached, block ids in _matched.
    private int MatchPrefix(ReadOnlySpan<int> tokens, CacheNamespace ns, UInt128 nsHash, out UInt128 lastHash)
    {
        // At least one token must be computed: its logits start the generation.
        int maxBlocks = Math.Min((tokens.Length - 1) / BlockSize, _matched.Length);
        var parent = BlockRef.None;
        UInt128 hash = UInt128.Zero;
        lastHash = UInt128.Zero;
        int count = 0;
        for (; count < maxBlocks; count++)
        {
            var blockTokens = tokens.Slice(count * BlockSize, BlockSize);
            hash = _hasher.HashBlock(hash, blockTokens, nsHash);
            if (!_pool.TryGetCached(hash, out int block) || !_pool.Confirms(block, blockTokens, parent, ns)) break;
            _matched[count] = block;
            parent = _pool.RefOf(block);
            lastHash = hash;
        }
        return count;
    }
}
