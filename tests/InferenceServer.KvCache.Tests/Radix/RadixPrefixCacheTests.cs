using InferenceServer.KvCache.Tests.Support;

namespace InferenceServer.KvCache.Tests.Radix;

public class RadixPrefixCacheTests
{
    [Fact]
    public void Inserted_tokens_match_page_aligned_and_a_partial_match_splits_the_edge()
    {
        var tree = new RadixPrefixCache(16, pageSize: 4);
        var pages = new List<int>();
        Assert.True(tree.TryAllocate(3, pages));
        var tokens = Tok.Range(0, 12);
        Assert.Equal(0, tree.Insert(tokens, pages));
        Assert.Equal(3, tree.EvictablePages);

        Assert.Equal(12, tree.CountMatch(tokens));
        Assert.Equal(8, tree.CountMatch(Tok.Concat(Tok.Range(0, 10), [99, 99])));
        Assert.Equal(4, tree.CountMatch(Tok.Range(0, 7)));

        var matched = new List<int>();
        var node = tree.Match(Tok.Concat(Tok.Range(0, 9), [50, 51, 52]), matched);
        Assert.Equal(pages.Take(2), matched);
        Assert.Equal(8, node.Key.Length);
        Assert.Single(node.Children);
        Assert.Equal(12, tree.CountMatch(tokens)); // the split keeps the whole path
    }

    [Fact]
    public void Eviction_takes_the_least_recently_used_unlocked_leaves_and_spares_locked_paths()
    {
        var tree = new RadixPrefixCache(6, pageSize: 2);
        var a = Insert(tree, Tok.Range(0, 4));
        var b = Insert(tree, Tok.Range(100, 4));
        var c = Insert(tree, Tok.Range(200, 4));
        Assert.Equal(0, tree.FreePages);
        var scratch = new List<int>();
        tree.Lock(tree.Match(Tok.Range(0, 4), scratch)); // a: most recent and locked
        tree.Match(Tok.Range(200, 4), scratch);           // c: more recent than b

        var got = new List<int>();
        Assert.True(tree.TryAllocate(2, got));
        Assert.Equal(0, tree.CountMatch(Tok.Range(100, 4)));
        Assert.Equal(4, tree.CountMatch(Tok.Range(200, 4)));
        Assert.True(tree.TryAllocate(2, got));
        Assert.Equal(4, tree.CountMatch(Tok.Range(0, 4)));
        Assert.False(tree.TryAllocate(1, got)); // only a's locked pages are left
        Assert.Equal(2, tree.LockedPages);
        Assert.Equal(a.Concat(b).Concat(c).Order(), got.Concat(a).Order());
    }

    [Fact]
    public void Inserting_a_prefix_the_tree_holds_reports_it_so_the_caller_frees_its_copies()
    {
        var tree = new RadixPrefixCache(8, pageSize: 2);
        Insert(tree, Tok.Range(0, 4));
        var pages = new List<int>();
        Assert.True(tree.TryAllocate(3, pages));
        Assert.Equal(4, tree.Insert(Tok.Range(0, 6), pages));
        Assert.Equal(6, tree.CountMatch(Tok.Range(0, 6)));
        Assert.Equal(3, tree.EvictablePages);
    }

    private static List<int> Insert(RadixPrefixCache tree, int[] tokens)
    {
        var pages = new List<int>();
        Assert.True(tree.TryAllocate(tokens.Length / tree.PageSize, pages));
        Assert.Equal(0, tree.Insert(tokens, pages));
        return pages;
    }
}
