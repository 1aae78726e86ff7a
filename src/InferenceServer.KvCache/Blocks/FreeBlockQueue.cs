namespace InferenceServer.KvCache.Blocks;

/// <summary>
/// Intrusive doubly linked list of free block ids, least recently used at the head: O(1) push at either end,
/// pop at the head and removal from the middle (a cache hit takes a block out wherever it sits).
/// </summary>
/// <remarks>
/// The links live in two int arrays indexed by block id, with one sentinel node at index <c>capacity</c>
/// closing the ring, so no operation allocates and no node objects exist (vLLM's FreeKVCacheBlockQueue does
/// the same with attributes on its block objects).
/// </remarks>
internal sealed class FreeBlockQueue
{
    private const int NotLinked = -1;
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int _sentinel;

    public FreeBlockQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _next = new int[capacity + 1];
        _prev = new int[capacity + 1];
        _sentinel = capacity;
        Fill();
    }

    /// <summary>Blocks in the list.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the block is in the list.</summary>
    public bool Contains(int block) => _next[block] != NotLinked;

    /// <summary>The least recently used block, or -1 when the list is empty.</summary>
    public int Head => Count == 0 ? -1 : _next[_sentinel];

    /// <summary>Puts every block back, in id order (the state of a fresh pool).</summary>
    public void Fill()
    {
        int n = _sentinel;
        for (int i = 0; i < n; i++)
        {
            _prev[i] = i == 0 ? _sentinel : i - 1;
            _next[i] = i == n - 1 ? _sentinel : i + 1;
        }
        _next[_sentinel] = n == 0 ? _sentinel : 0;
        _prev[_sentinel] = n == 0 ? _sentinel : n - 1;
        Count = n;
    }

    /// <summary>Appends a block as the most recently used.</summary>
    public void PushBack(int block) => LinkAfter(block, _prev[_sentinel]);

    /// <summary>Inserts a block as the first to be reused.</summary>
    public void PushFront(int block) => LinkAfter(block, _sentinel);

    /// <summary>Takes the least recently used block out of the list.</summary>
    public int PopFront()
    {
        if (Count == 0) throw new InvalidOperationException("no free KV cache block left");
        int block = _next[_sentinel];
        Remove(block);
        return block;
    }

    /// <summary>Unlinks a block from wherever it sits.</summary>
    public void Remove(int block)
    {
        if (!Contains(block)) throw new InvalidOperationException($"block {block} is not in the free list");
        int p = _prev[block], n = _next[block];
        _next[p] = n;
        _prev[n] = p;
        _next[block] = NotLinked;
        _prev[block] = NotLinked;
        Count--;
    }

    private void LinkAfter(int block, int after)
    {
        if (Contains(block)) throw new InvalidOperationException($"block {block} is already in the free list");
        int n = _next[after];
        _prev[block] = after;
        _next[block] = n;
        _next[after] = block;
        _prev[n] = block;
        Count++;
    }
}
