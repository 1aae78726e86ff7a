using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;
using InferenceServer.KvCache.Tests.Support;

namespace InferenceServer.KvCache.Tests.Manager;

public class PrefixSharingTests
{
    private static readonly CacheNamespace Ns = new("m@1");
    private static readonly SequenceId A = new(1), B = new(2), C = new(3), D = new(4);

    [Fact]
    public void A_committed_prompt_is_reused_block_for_block_and_the_blocks_are_shared()
    {
        var kv = new KvCacheManager(10, blockSize: 4);
        var prompt = Tok.Range(0, 10);
        Assert.True(kv.TryAllocate(A, prompt, Ns, out _));
        kv.CommitFullBlocks(A, prompt);
        Assert.Equal(8, kv.CommittedTokens(A));

        Assert.True(kv.TryAllocate(B, prompt, Ns, out int cached));
        Assert.Equal(8, cached);
        Assert.Equal(8, kv.CommittedTokens(B));
        var a = kv.BlockTable(A).ToArray();
        var b = kv.BlockTable(B).ToArray();
        Assert.Equal(a[..2], b[..2]);
        Assert.NotEqual(a[2], b[2]);
        Assert.Equal(2, kv.Pool.RefCount(a[0]));
        Assert.Equal(2, kv.Pool.RefCount(a[1]));
        Assert.Equal(1, kv.Pool.RefCount(b[2]));
        Assert.Equal(6, kv.FreeBlockCount);
    }

    [Fact]
    public void Blocks_are_not_shared_before_they_are_committed()
    {
        var kv = new KvCacheManager(10, blockSize: 4);
        var prompt = Tok.Range(0, 10);
        Assert.True(kv.TryAllocate(A, prompt, Ns, out _));
        Assert.True(kv.TryAllocate(B, prompt, Ns, out int cached));
        Assert.Equal(0, cached);
        Assert.Empty(kv.BlockTable(A).ToArray().Intersect(kv.BlockTable(B).ToArray()));
    }

    [Fact]
    public void A_fully_cached_prompt_still_computes_its_last_token()
    {
        var kv = new KvCacheManager(10, blockSize: 4);
        var prompt = Tok.Range(0, 8);
        Assert.True(kv.TryAllocate(A, prompt, Ns, out _));
        kv.CommitFullBlocks(A, prompt);
        Assert.True(kv.TryAllocate(B, prompt, Ns, out int cached));
        Assert.Equal(4, cached);
        // The last block is recomputed into a block of B's own, never written into A's.
        Assert.NotEqual(kv.BlockTable(A)[1], kv.BlockTable(B)[1]);
        Assert.Equal(1, kv.Pool.RefCount(kv.BlockTable(B)[1]));
    }

    [Fact]
    public void A_request_diverging_inside_a_block_gets_its_own_block_from_there()
    {
        var kv = new KvCacheManager(10, blockSize: 4);
        var first = Tok.Range(0, 12);
        Assert.True(kv.TryAllocate(A, first, Ns, out _));
        kv.CommitFullBlocks(A, first);
        var second = Tok.Concat(Tok.Range(0, 6), Tok.Range(100, 6)); // diverges at position 6, inside block 1
        Assert.True(kv.TryAllocate(B, second, Ns, out int cached));
        Assert.Equal(4, cached);
        Assert.Equal(kv.BlockTable(A)[0], kv.BlockTable(B)[0]);
        Assert.NotEqual(kv.BlockTable(A)[1], kv.BlockTable(B)[1]);
        Assert.Equal(1, kv.Pool.RefCount(kv.BlockTable(A)[1]));
    }

    [Fact]
    public void Cached_blocks_survive_free_and_a_hit_takes_them_back_from_the_free_list()
    {
        var kv = new KvCacheManager(6, blockSize: 4);
        var prompt = Tok.Range(0, 13);
        Assert.True(kv.TryAllocate(A, prompt, Ns, out _));
        kv.CommitFullBlocks(A, prompt);
        var aBlocks = kv.BlockTable(A).ToArray();
        kv.Free(A);
        Assert.Equal(6, kv.FreeBlockCount);
        Assert.Equal(3, kv.Pool.CachedBlockCount);

        Assert.True(kv.TryAllocate(B, prompt, Ns, out int cached));
        Assert.Equal(12, cached);
        Assert.Equal(aBlocks[..3], kv.BlockTable(B)[..3].ToArray());
        Assert.Equal(2, kv.FreeBlockCount);
        Assert.All(aBlocks[..3], blk => Assert.False(kv.Pool.IsFree(blk)));
    }

    [Fact]
    public void A_hit_on_free_cached_blocks_does_not_count_them_as_room_for_new_blocks()
    {
        var kv = new KvCacheManager(4, blockSize: 4);
        var prompt = Tok.Range(0, 16);
        Cache(kv, A, prompt); // 4 cached blocks, all free
        // 20 tokens hit all 4 blocks and need a fifth: 4 blocks are free, but they are the hits themselves.
        Assert.False(kv.TryAllocate(B, Tok.Range(0, 20), Ns, out _));
        Assert.Equal(4, kv.FreeBlockCount);
        Assert.Equal(4, kv.Pool.CachedBlockCount);
        Assert.True(kv.TryAllocate(C, prompt, Ns, out int cached));
        Assert.Equal(12, cached);
        Assert.Equal(0, kv.FreeBlockCount);
    }

    [Fact]
    public void The_least_recently_used_prefix_is_evicted_first()
    {
        var kv = new KvCacheManager(6, blockSize: 4);
        var p1 = Tok.Range(0, 9);
        var p2 = Tok.Range(100, 9);
        Cache(kv, A, p1);
        Cache(kv, B, p2);
        // Touch p1 again so p2 becomes the least recently used.
        Assert.True(kv.TryAllocate(C, p1, Ns, out int cached));
        Assert.Equal(8, cached);
        kv.Free(C);
        // 4 blocks: the 2 plain free ones, then the 2 least recently used cached ones, which are p2's.
        Assert.True(kv.TryAllocate(D, Tok.Range(500, 16), Ns, out _));
        Assert.Equal(8, kv.CountCachedTokens(p1, Ns));
        Assert.Equal(0, kv.CountCachedTokens(p2, Ns));
    }

    [Fact]
    public void A_freed_sequence_loses_its_tail_before_its_prefix()
    {
        var kv = new KvCacheManager(4, blockSize: 4);
        var prompt = Tok.Range(0, 13);
        Cache(kv, A, prompt); // 3 cached blocks + 1 plain
        Assert.True(kv.TryAllocate(B, Tok.Range(500, 8), Ns, out _)); // takes the plain block and evicts one
        Assert.Equal(8, kv.CountCachedTokens(prompt, Ns));
    }

    [Fact]
    public void Generated_tokens_are_shared_once_committed()
    {
        var kv = new KvCacheManager(8, blockSize: 4);
        var prompt = Tok.Range(0, 6);
        var conversation = Tok.Concat(prompt, Tok.Range(60, 5)); // 11 tokens: 2 full blocks
        Assert.True(kv.TryAllocate(A, prompt, Ns, out _));
        kv.CommitFullBlocks(A, prompt);
        Assert.True(kv.AppendSlots(A, 5));
        kv.CommitFullBlocks(A, conversation);
        Assert.Equal(8, kv.CommittedTokens(A));
        kv.Free(A);
        var nextTurn = Tok.Concat(conversation, Tok.Range(900, 4));
        Assert.True(kv.TryAllocate(B, nextTurn, Ns, out int cached));
        Assert.Equal(8, cached);
    }

    [Fact]
    public void Two_sequences_computing_the_same_prefix_at_once_keep_one_cached_copy_and_both_chains_stay_reachable()
    {
        var kv = new KvCacheManager(16, blockSize: 4);
        var prefix = Tok.Range(0, 8);
        var a = Tok.Concat(prefix, Tok.Range(100, 5));
        var b = Tok.Concat(prefix, Tok.Range(200, 5));
        Assert.True(kv.TryAllocate(A, a, Ns, out _));
        Assert.True(kv.TryAllocate(B, b, Ns, out _));
        kv.CommitFullBlocks(A, a);
        kv.CommitFullBlocks(B, b);
        var aTable = kv.BlockTable(A).ToArray();
        var bTable = kv.BlockTable(B).ToArray();
        Assert.True(kv.Pool.IsCached(aTable[0]) && kv.Pool.IsCached(aTable[1]));
        Assert.False(kv.Pool.IsCached(bTable[0]) || kv.Pool.IsCached(bTable[1]));
        Assert.True(kv.Pool.IsCached(bTable[2])); // B's own block 2 hangs under A's copy of the prefix

        Assert.True(kv.TryAllocate(C, Tok.Concat(b, [7]), Ns, out int cached));
        Assert.Equal(12, cached);
        Assert.Equal(new[] { aTable[0], aTable[1], bTable[2] }, kv.BlockTable(C)[..3].ToArray());
        // B's private duplicates are reused before any cached block once B is gone.
        kv.Free(B);
        Assert.True(kv.Pool.IsFree(bTable[0]) && kv.Pool.IsFree(bTable[1]));
        Assert.True(kv.TryAllocate(D, Tok.Range(900, 8), Ns, out _));
        Assert.Equal(new[] { bTable[0], bTable[1] }, kv.BlockTable(D).ToArray());
    }

    [Fact]
    public void When_the_cached_twin_of_a_private_block_is_evicted_later_blocks_are_simply_not_cached()
    {
        var kv = new KvCacheManager(8, blockSize: 4);
        var prefix = Tok.Range(0, 4);
        var a = Tok.Concat(prefix, [1]);
        var b = Tok.Concat(prefix, Tok.Range(50, 5));
        Assert.True(kv.TryAllocate(A, a, Ns, out _));
        Assert.True(kv.TryAllocate(B, b, Ns, out _, maxNewTokens: 5));
        kv.CommitFullBlocks(A, a);
        kv.CommitFullBlocks(B, b[..5]);
        kv.Free(A);
        // Take every free block, which evicts A's cached block (the twin of B's block 0), then give them back.
        Assert.True(kv.TryAllocate(C, Tok.Range(700, 24), Ns, out _));
        Assert.Equal(0, kv.FreeBlockCount);
        kv.Free(C);
        Assert.True(kv.AppendSlots(B, 4));
        kv.CommitFullBlocks(B, b[..9]);
        Assert.Equal(8, kv.CommittedTokens(B));
        Assert.Equal(0, kv.CountCachedTokens(Tok.Concat(b, [1]), Ns));
    }

    [Fact]
    public void Stats_count_queried_and_hit_tokens_of_successful_allocations()
    {
        var kv = new KvCacheManager(8, blockSize: 4);
        var prompt = Tok.Range(0, 10);
        Cache(kv, A, prompt);
        Assert.True(kv.TryAllocate(B, prompt, Ns, out _));
        Assert.Equal(8, kv.CountCachedTokens(prompt, Ns)); // a peek is not a query
        Assert.False(kv.TryAllocate(C, Tok.Range(100, 40), Ns, out _));
        var s = kv.Stats;
        Assert.Equal(2, s.Requests);
        Assert.Equal(20, s.QueryTokens);
        Assert.Equal(8, s.HitTokens);
        Assert.Equal(0.4, s.HitRate, 9);
    }

    [Fact]
    public void With_prefix_caching_off_nothing_is_shared()
    {
        var kv = new KvCacheManager(8, blockSize: 4, enablePrefixCaching: false);
        var prompt = Tok.Range(0, 10);
        Cache(kv, A, prompt);
        Assert.True(kv.TryAllocate(B, prompt, Ns, out int cached));
        Assert.Equal(0, cached);
        Assert.Equal(0, kv.Pool.CachedBlockCount);
    }

    private static void Cache(KvCacheManager kv, SequenceId seq, int[] prompt)
    {
        Assert.True(kv.TryAllocate(seq, prompt, Ns, out _));
        kv.CommitFullBlocks(seq, prompt);
        kv.Free(seq);
    }
}
