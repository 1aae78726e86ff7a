using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;
using InferenceServer.KvCache.Tests.Support;

namespace InferenceServer.KvCache.Tests.Manager;

public class AllocationTests
{
    private static readonly CacheNamespace Ns = new("m@1");
    private static readonly SequenceId A = new(1), B = new(2);

    [Fact]
    public void Allocates_enough_blocks_for_the_prompt_and_maps_slots_through_the_table()
    {
        var kv = new KvCacheManager(10, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 10), Ns, out int cached));
        Assert.Equal(0, cached);
        var table = kv.BlockTable(A).ToArray();
        Assert.Equal(3, table.Length);
        Assert.Equal(3, table.Distinct().Count());
        Assert.Equal(10, kv.SlotCount(A));
        Assert.Equal(7, kv.FreeBlockCount);
        Assert.Equal(0.3, kv.UsageFraction, 6);
        Assert.Equal(table[0] * 4, kv.SlotFor(A, 0));
        Assert.Equal(table[1] * 4 + 1, kv.SlotFor(A, 5));
        Assert.Equal(table[2] * 4 + 1, kv.SlotFor(A, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => kv.SlotFor(A, 10));
    }

    [Fact]
    public void Append_slots_allocates_only_when_crossing_a_block_boundary()
    {
        var kv = new KvCacheManager(4, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 3), Ns, out _));
        Assert.Equal(1, kv.BlockTable(A).Length);
        Assert.True(kv.AppendSlots(A, 1));
        Assert.Equal(1, kv.BlockTable(A).Length);
        Assert.True(kv.AppendSlots(A, 1));
        Assert.Equal(2, kv.BlockTable(A).Length);
        Assert.True(kv.AppendSlots(A, 7));
        Assert.Equal(12, kv.SlotCount(A));
        Assert.Equal(3, kv.BlockTable(A).Length);
        Assert.True(kv.AppendSlots(A, 0));
        Assert.Equal(3, kv.BlockTable(A).Length);
    }

    [Fact]
    public void Out_of_blocks_returns_false_and_changes_nothing()
    {
        var kv = new KvCacheManager(3, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 8), Ns, out _));
        Assert.False(kv.TryAllocate(B, Tok.Range(100, 8), Ns, out _));
        Assert.False(kv.Contains(B));
        Assert.Equal(1, kv.FreeBlockCount);
        Assert.True(kv.AppendSlots(A, 4));
        Assert.False(kv.AppendSlots(A, 1));
        Assert.Equal(12, kv.SlotCount(A));
        Assert.Equal(3, kv.BlockTable(A).Length);
        Assert.Equal(1, kv.Stats.Requests);
    }

    [Fact]
    public void Max_new_tokens_allocates_a_prefill_chunk_and_append_slots_the_rest()
    {
        var kv = new KvCacheManager(8, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 20), Ns, out _, maxNewTokens: 6));
        Assert.Equal(6, kv.SlotCount(A));
        Assert.Equal(2, kv.BlockTable(A).Length);
        Assert.True(kv.AppendSlots(A, 14));
        Assert.Equal(5, kv.BlockTable(A).Length);
    }

    [Fact]
    public void Free_returns_every_block_and_a_second_free_throws()
    {
        var kv = new KvCacheManager(5, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 9), Ns, out _));
        Assert.True(kv.TryAllocate(B, Tok.Range(50, 5), Ns, out _));
        kv.Free(A);
        kv.Free(B);
        Assert.Equal(5, kv.FreeBlockCount);
        Assert.Equal(0.0, kv.UsageFraction);
        Assert.Throws<InvalidOperationException>(() => kv.Free(A));
        Assert.Throws<KeyNotFoundException>(() => kv.BlockTable(A));
        for (int b = 0; b < 5; b++) Assert.Equal(0, kv.Pool.RefCount(b));
    }

    [Fact]
    public void Allocating_a_live_sequence_twice_or_an_empty_prompt_throws()
    {
        var kv = new KvCacheManager(5, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 3), Ns, out _));
        Assert.Throws<InvalidOperationException>(() => kv.TryAllocate(A, Tok.Range(0, 3), Ns, out _));
        Assert.Throws<ArgumentException>(() => kv.TryAllocate(B, [], Ns, out _));
    }

    [Fact]
    public void Committing_more_tokens_than_slots_throws()
    {
        var kv = new KvCacheManager(5, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 5), Ns, out _, maxNewTokens: 4));
        Assert.Throws<ArgumentException>(() => kv.CommitFullBlocks(A, Tok.Range(0, 5)));
    }

    [Fact]
    public void Reset_frees_all_sequences_cache_and_stats()
    {
        var kv = new KvCacheManager(6, blockSize: 4);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 9), Ns, out _));
        kv.CommitFullBlocks(A, Tok.Range(0, 9));
        kv.Reset();
        Assert.Equal(6, kv.FreeBlockCount);
        Assert.Equal(0, kv.SequenceCount);
        Assert.Equal(default, kv.Stats);
        Assert.True(kv.TryAllocate(A, Tok.Range(0, 9), Ns, out int cached));
        Assert.Equal(0, cached);
    }
}
