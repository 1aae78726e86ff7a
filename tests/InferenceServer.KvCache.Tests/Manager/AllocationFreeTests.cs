using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;
using InferenceServer.KvCache.Tests.Support;

namespace InferenceServer.KvCache.Tests.Manager;

public class AllocationFreeTests
{
    [Fact]
    public void Admit_grow_commit_and_free_allocate_no_managed_memory_once_warm()
    {
        var kv = new KvCacheManager(256, blockSize: 16);
        var ns = new CacheNamespace("m@1", "lora", "salt");
        var rng = new Random(3);
        var prompts = Enumerable.Range(0, 8).Select(i => Tok.Concat(Tok.Range(0, 100), Tok.Random(rng, 40 + i * 7))).ToArray();
        var full = prompts.Select(p => Tok.Concat(p, Tok.Random(rng, 40))).ToArray();

        RunRound(kv, ns, prompts, full); // warm: dictionaries, pooled sequence states, JIT
        RunRound(kv, ns, prompts, full);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) RunRound(kv, ns, prompts, full);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(kv.Stats.HitTokens > 0);
    }

    private static void RunRound(KvCacheManager kv, CacheNamespace ns, int[][] prompts, int[][] full)
    {
        int checksum = 0;
        for (int i = 0; i < prompts.Length; i++)
        {
            var seq = new SequenceId(i);
            Assert.True(kv.TryAllocate(seq, prompts[i], ns, out _, maxNewTokens: 64));
            Assert.True(kv.AppendSlots(seq, prompts[i].Length - kv.SlotCount(seq)));
            kv.CommitFullBlocks(seq, prompts[i]);
            for (int t = prompts[i].Length; t < full[i].Length; t++)
            {
                Assert.True(kv.AppendSlots(seq, 1));
                checksum += kv.SlotFor(seq, t);
                kv.CommitFullBlocks(seq, full[i].AsSpan(0, t + 1));
            }
            checksum += kv.BlockTable(seq)[0];
        }
        for (int i = prompts.Length - 1; i >= 0; i--) kv.Free(new SequenceId(i));
        Assert.True(checksum >= 0);
    }
}
