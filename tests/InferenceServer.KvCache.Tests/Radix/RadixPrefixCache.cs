namespace InferenceServer.KvCache.Tests.Radix;

/// <summary>
/// A minimal SGLang-style RadixCache, to compare with hashed blocks: a radix tree over token ids whose edges
/// hold KV pages of <see cref="PageSize"/> tokens (1 = token-granular, as SGLang's default), lock counts on
/// the paths running requests use, and eviction of the least recently used unlocked leaves.
/// </summary>
internal sealed class RadixPrefixCache
{
    private readonly Node _root = new([], [], null) { LockRef = 1 };
    private readonly Stack<int> _free;
    private long _clock;

    public RadixPrefixCache(int capacityPages, int pageSize)
    {
        PageSize = pageSize;
        CapacityPages = capacityPages;
        _free = new Stack<int>(Enumerable.Range(0, capacityPages).Reverse());
    }

    public int PageSize { get; }
    public int CapacityPages { get; }
    public int FreePages => _free.Count;

    /// <summary>Pages held by the tree and not locked.</summary>
    public int EvictablePages { get; private set; }

    /// <summary>Pages held by the tree on locked paths.</summary>
    public int LockedPages { get; private set; }

    /// <summary>
    /// Longest cached page-aligned prefix of <paramref name="tokens"/>: its pages are added to
    /// <paramref name="pages"/>; returns the deepest node, split so that it ends exactly at the match.
    /// </summary>
    public Node Match(ReadOnlySpan<int> tokens, List<int> pages)
    {
        long now = ++_clock;
        var node = _root;
        int pos = 0;
        while (tokens.Length - pos >= PageSize && node.Children.TryGetValue(PageKey(tokens.Slice(pos, PageSize)), out var child))
        {
            int n = MatchingPages(child.Key, tokens[pos..]);
            if (n == 0) break;
            child.LastAccess = now;
            bool partial = n < child.Pages.Length;
            if (partial) child = Split(child, n);
            pages.AddRange(child.Pages);
            pos += child.Key.Length;
            node = child;
            if (partial) break;
        }
        return node;
    }

    /// <summary>Matched tokens without touching the tree (for timing lookups).</summary>
    public int CountMatch(ReadOnlySpan<int> tokens)
    {
        var node = _root;
        int pos = 0;
        while (tokens.Length - pos >= PageSize && node.Children.TryGetValue(PageKey(tokens.Slice(pos, PageSize)), out var child))
        {
            int n = MatchingPages(child.Key, tokens[pos..]);
            pos += n * PageSize;
            if (n < child.Pages.Length) break;
            node = child;
        }
        return pos;
    }

    /// <summary>Protects the path to <paramref name="node"/> from eviction.</summary>
    public void Lock(Node node)
    {
        for (var n = node; n != _root; n = n.Parent!)
        {
            if (n.LockRef++ == 0)
            {
                EvictablePages -= n.Pages.Length;
                LockedPages += n.Pages.Length;
            }
        }
    }

    public void Unlock(Node node)
    {
        for (var n = node; n != _root; n = n.Parent!)
        {
            if (--n.LockRef == 0)
            {
                EvictablePages += n.Pages.Length;
                LockedPages -= n.Pages.Length;
            }
            if (n.LockRef < 0) throw new InvalidOperationException("unlocked more often than locked");
        }
    }

    /// <summary>Takes <paramref name="count"/> free pages, evicting unlocked leaves if needed.</summary>
    public bool TryAllocate(int count, List<int> pages)
    {
        if (_free.Count < count) Evict(count - _free.Count);
        if (_free.Count < count) return false;
        for (int i = 0; i < count; i++) pages.Add(_free.Pop());
        return true;
    }

    public void Release(int page) => _free.Push(page);

    /// <summary>
    /// Hands a request's page-aligned tokens and their pages to the tree. Returns how many leading tokens
    /// the tree already held: the caller's pages for those are duplicates (the caller frees the ones the tree
    /// did not get from it); the rest now belong to the tree.
    /// </summary>
    public int Insert(ReadOnlySpan<int> tokens, IReadOnlyList<int> pages)
    {
        long now = ++_clock;
        var node = _root;
        int pos = 0;
        while (tokens.Length - pos >= PageSize && node.Children.TryGetValue(PageKey(tokens.Slice(pos, PageSize)), out var child))
        {
            int n = MatchingPages(child.Key, tokens[pos..]);
            if (n == 0) return pos; // a page-key collision: leave it uncached
            child.LastAccess = now;
            if (n < child.Pages.Length) child = Split(child, n);
            pos += child.Key.Length;
            node = child;
        }
        if (pos < tokens.Length)
        {
            int firstPage = pos / PageSize;
            var leaf = new Node(tokens[pos..].ToArray(), pages.Skip(firstPage).Take((tokens.Length - pos) / PageSize).ToArray(), node)
            {
                LastAccess = now,
            };
            node.Children[PageKey(leaf.Key.AsSpan(0, PageSize))] = leaf;
            EvictablePages += leaf.Pages.Length;
        }
        return pos;
    }

    /// <summary>Frees at least <paramref name="count"/> pages from the least recently used unlocked leaves, if there are that many.</summary>
    public void Evict(int count)
    {
        var leaves = new PriorityQueue<Node, long>();
        var stack = new Stack<Node>();
        stack.Push(_root);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n != _root && n.Children.Count == 0 && n.LockRef == 0) leaves.Enqueue(n, n.LastAccess);
            foreach (var c in n.Children.Values) stack.Push(c);
        }
        int freed = 0;
        while (freed < count && leaves.TryDequeue(out var leaf, out _))
        {
            foreach (var p in leaf.Pages) _free.Push(p);
            freed += leaf.Pages.Length;
            EvictablePages -= leaf.Pages.Length;
            var parent = leaf.Parent!;
            parent.Children.Remove(PageKey(leaf.Key.AsSpan(0, PageSize)));
            if (parent != _root && parent.Children.Count == 0 && parent.LockRef == 0) leaves.Enqueue(parent, parent.LastAccess);
        }
    }

    private Node Split(Node child, int pages)
    {
        int tokens = pages * PageSize;
        var parent = child.Parent!;
        var head = new Node(child.Key[..tokens], child.Pages[..pages], parent) { LockRef = child.LockRef, LastAccess = child.LastAccess };
        child.Key = child.Key[tokens..];
        child.Pages = child.Pages[pages..];
        child.Parent = head;
        head.Children[PageKey(child.Key.AsSpan(0, PageSize))] = child;
        parent.Children[PageKey(head.Key.AsSpan(0, PageSize))] = head;
        return head;
    }

    private int MatchingPages(int[] key, ReadOnlySpan<int> tokens)
    {
        int common = key.AsSpan().CommonPrefixLength(tokens);
        return common / PageSize;
    }

    // A child is chosen by its first page; with pages longer than one token the key is a hash of the page,
    // confirmed by the token comparison that follows.
    private static long PageKey(ReadOnlySpan<int> page)
    {
        if (page.Length == 1) return page[0];
        var h = new HashCode();
        h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(page));
        return h.ToHashCode();
    }

    /// <summary>A tree node: an edge of tokens with its pages.</summary>
    internal sealed class Node(int[] key, int[] pages, Node? parent)
    {
        public int[] Key { get; set; } = key;
        public int[] Pages { get; set; } = pages;
        public Node? Parent { get; set; } = parent;
        public Dictionary<long, Node> Children { get; } = [];
        public int LockRef { get; set; }
        public long LastAccess { get; set; }
    }
}
