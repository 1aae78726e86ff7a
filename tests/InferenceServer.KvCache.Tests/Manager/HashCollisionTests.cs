using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;
using InferenceServer.KvCache.Tests.Support;

namespace InferenceServer.KvCache.Tests.Manager;

public class HashCollisionTests
{
    private static readonly CacheNamespace Ns = new("m@1");
    private static readonly SequenceId A = new(1), B = new(2), C = new(3), D = new(4);

    [Fact]
    public void With_every_hash_equal_different_tokens_never_hit()
    {
        var kv = new KvCacheManager(16, 4, true, TestHasher.Constant());
        var first = Tok.Range(0, 13);
        Assert.True(kv.TryAllocate(A, first, Ns, out _));
        kv.CommitFullBlocks(A, first);
        Assert.True(kv.TryAllocate(B, Tok.Range(100, 13), Ns, out int cached));
        Assert.Equal(0, cached);
    }

    [Fact]
    public void A_colliding_block_with_other_tokens_ends_the_match()
    {
        var kv = new KvCacheManager(16, 4, true, TestHasher.IgnoringTokens());
        var a = Tok.Concat(Tok.Range(0, 4), Tok.Range(10, 4), [1]);
        var b = Tok.Concat(Tok.Range(0, 4), Tok.Range(20, 4), [1]);
        Assert.True(kv.TryAllocate(A, a, Ns, out _));
        kv.CommitFullBlocks(A, a);
        Assert.True(kv.TryAllocate(B, b, Ns, out int cached));
        Assert.Equal(4, cached); // the first block is a genuine hit; the second collides and is rejected
        Assert.Equal(kv.BlockTable(A)[0], kv.BlockTable(B)[0]);
        Assert.NotEqual(kv.BlockTable(A)[1], kv.BlockTable(B)[1]);
    }

    [Fact]
    public void Equal_tokens_after_a_different_prefix_are_not_a_hit()
    {
        var kv = new KvCacheManager(32, 4, true, TestHasher.IgnoringParent());
        var shared = Tok.Range(50, 4);
        var p = Tok.Range(0, 4);
        var q = Tok.Range(10, 4);
        var a = Tok.Concat(p, shared, [1]);
        var c = Tok.Concat(q, shared, [1]);
        Assert.True(kv.TryAllocate(A, a, Ns, out _));
        kv.CommitFullBlocks(A, a);
        Assert.True(kv.TryAllocate(C, c, Ns, out int cached));
        Assert.Equal(0, cached);
        kv.CommitFullBlocks(C, c); // C's copy of `shared` (after q) now owns the colliding hash
        Assert.True(kv.TryAllocate(D, a, Ns, out cached));
        // p hits; `shared` collides with C's block, whose KV was computed after q: it must not be reused.
        Assert.Equal(4, cached);
        Assert.Equal(kv.BlockTable(A)[0], kv.BlockTable(D)[0]);
        Assert.NotEqual(kv.BlockTable(C)[1], kv.BlockTable(D)[1]);
    }

    [Fact]
    public void Genuine_hits_survive_a_weak_hash()
    {
        var kv = new KvCacheManager(16, 4, true, TestHasher.IgnoringTokens());
        var prompt = Tok.Range(0, 13);
        Assert.True(kv.TryAllocate(A, prompt, Ns, out _));
        kv.CommitFullBlocks(A, prompt);
        Assert.True(kv.TryAllocate(B, prompt, Ns, out int cached));
        Assert.Equal(12, cached);
    }

    [Fact]
    public void A_parent_block_rewritten_since_does_not_vouch_for_children_registered_under_it()
    {
        // B's first block is a private twin of A's cached block a0. a0 is then evicted and rewritten with C's
        // tokens. B's second block must not be registered as a child of a0: a0 now holds other KV.
        var kv = new KvCacheManager(10, 4, true, TestHasher.IgnoringParent());
        var a = Tok.Concat(Tok.Range(0, 4), [1]);
        var b = Tok.Concat(Tok.Range(0, 4), Tok.Range(50, 5));
        Assert.True(kv.TryAllocate(A, a, Ns, out _));
        Assert.True(kv.TryAllocate(B, b, Ns, out _, maxNewTokens: 5));
        kv.CommitFullBlocks(A, a);
        kv.CommitFullBlocks(B, b.AsSpan(0, 5));
        int a0 = kv.BlockTable(A)[0];
        kv.Free(A);
        var filler = new SequenceId(99);
        Assert.True(kv.TryAllocate(filler, Tok.Range(300, 28), Ns, out _)); // every free block but a0
        var c = Tok.Range(700, 4);
        Assert.True(kv.TryAllocate(C, c, Ns, out _));
        Assert.Equal(a0, kv.BlockTable(C)[0]);
        kv.CommitFullBlocks(C, c);
        kv.Free(filler);
        Assert.True(kv.AppendSlots(B, 4));
        kv.CommitFullBlocks(B, b.AsSpan(0, 9));

        Assert.True(kv.TryAllocate(D, Tok.Concat(c, Tok.Range(50, 4), [1]), Ns, out int cached));
        Assert.Equal(4, cached); // C's block only; B's second block was computed after 0..3, not after c
    }
}
