using InferenceServer.KvCache.Blocks;
using InferenceServer.KvCache.Hashing;

namespace InferenceServer.KvCache.Tests.Blocks;

public class BlockPoolTests
{
    private static readonly CacheNamespace Ns = new("v1");

    [Fact]
    public void Allocates_every_block_once_then_throws()
    {
        var pool = new BlockPool(3, 4);
        var got = new[] { pool.Allocate(), pool.Allocate(), pool.Allocate() };
        Assert.Equal([0, 1, 2], got);
        Assert.All(got, b => Assert.Equal(1, pool.RefCount(b)));
        Assert.Equal(0, pool.FreeBlockCount);
        Assert.Throws<InvalidOperationException>(() => pool.Allocate());
    }

    [Fact]
    public void Double_release_throws_and_counts_never_go_negative()
    {
        var pool = new BlockPool(2, 4);
        int b = pool.Allocate();
        pool.Release(b);
        Assert.Throws<InvalidOperationException>(() => pool.Release(b));
        Assert.Equal(0, pool.RefCount(b));
        Assert.Equal(2, pool.FreeBlockCount);
    }

    [Fact]
    public void Cached_blocks_are_evicted_least_recently_freed_first_and_plain_ones_reused_before_them()
    {
        var pool = new BlockPool(4, 2);
        int a = pool.Allocate(), b = pool.Allocate(), c = pool.Allocate(), d = pool.Allocate();
        pool.Register(a, 10u, [1, 2], BlockRef.None, Ns);
        pool.Register(b, 11u, [3, 4], BlockRef.None, Ns);
        pool.Register(c, 12u, [5, 6], BlockRef.None, Ns);
        pool.Release(b);
        pool.Release(a);
        pool.Release(c);
        pool.Release(d); // plain: reused first
        Assert.Equal(d, pool.Allocate());
        Assert.Equal(b, pool.Allocate());
        Assert.False(pool.TryGetCached(11u, out _));
        Assert.True(pool.TryGetCached(10u, out int stillA));
        Assert.Equal(a, stillA);
        Assert.Equal(a, pool.Allocate());
        Assert.Equal(c, pool.Allocate());
        Assert.Equal(0, pool.CachedBlockCount);
    }

    [Fact]
    public void Acquiring_a_free_cached_block_takes_it_out_of_the_free_list()
    {
        var pool = new BlockPool(3, 2);
        int a = pool.Allocate();
        pool.Register(a, 7u, [1, 1], BlockRef.None, Ns);
        pool.Release(a);
        Assert.True(pool.IsFree(a));
        pool.Acquire(a);
        Assert.False(pool.IsFree(a));
        Assert.Equal(1, pool.RefCount(a));
        Assert.Equal(2, pool.FreeBlockCount);
        pool.Acquire(a);
        Assert.Equal(2, pool.RefCount(a));
        pool.Release(a);
        Assert.False(pool.IsFree(a));
        pool.Release(a);
        Assert.True(pool.IsFree(a));
        Assert.True(pool.IsCached(a));
    }

    [Fact]
    public void A_block_evicted_and_reallocated_no_longer_matches_old_references()
    {
        var pool = new BlockPool(1, 2);
        int a = pool.Allocate();
        var before = pool.RefOf(a);
        pool.Register(a, 7u, [1, 2], BlockRef.None, Ns);
        pool.Release(a);
        Assert.True(pool.IsCurrent(before));
        Assert.Equal(a, pool.Allocate());
        Assert.False(pool.IsCurrent(before));
        Assert.False(pool.IsCached(a));
    }

    [Fact]
    public void Confirms_checks_tokens_parent_and_namespace()
    {
        var pool = new BlockPool(2, 2);
        int root = pool.Allocate(), child = pool.Allocate();
        pool.Register(root, 1u, [1, 2], BlockRef.None, Ns);
        pool.Register(child, 2u, [3, 4], pool.RefOf(root), Ns);
        Assert.True(pool.Confirms(child, [3, 4], pool.RefOf(root), Ns));
        Assert.False(pool.Confirms(child, [3, 5], pool.RefOf(root), Ns));
        Assert.False(pool.Confirms(child, [3, 4], BlockRef.None, Ns));
        Assert.False(pool.Confirms(child, [3, 4], pool.RefOf(root), new CacheNamespace("v1", "lora-a")));
        Assert.False(pool.Confirms(child, [3, 4], pool.RefOf(root), new CacheNamespace("v2")));
    }

    [Fact]
    public void Registering_a_taken_hash_moves_it_to_the_new_block()
    {
        var pool = new BlockPool(2, 2);
        int a = pool.Allocate(), b = pool.Allocate();
        pool.Register(a, 5u, [1, 2], BlockRef.None, Ns);
        pool.Register(b, 5u, [9, 9], BlockRef.None, Ns);
        Assert.True(pool.TryGetCached(5u, out int holder));
        Assert.Equal(b, holder);
        Assert.False(pool.IsCached(a));
        // Evicting the old holder must not drop the new holder's entry.
        pool.Release(a);
        Assert.Equal(a, pool.Allocate());
        Assert.True(pool.TryGetCached(5u, out holder));
        Assert.Equal(b, holder);
    }

    [Fact]
    public void Reset_frees_everything_and_forgets_the_cache()
    {
        var pool = new BlockPool(3, 2);
        int a = pool.Allocate();
        var old = pool.RefOf(a);
        pool.Register(a, 5u, [1, 2], BlockRef.None, Ns);
        pool.Allocate();
        pool.Reset();
        Assert.Equal(3, pool.FreeBlockCount);
        Assert.Equal(0, pool.CachedBlockCount);
        Assert.False(pool.IsCurrent(old));
        Assert.All(Enumerable.Range(0, 3), b => Assert.Equal(0, pool.RefCount(b)));
    }
}
