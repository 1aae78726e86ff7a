using InferenceServer.KvCache.Tests.Support;
using Xunit.Abstractions;

namespace InferenceServer.KvCache.Tests.Properties;

public class RandomWorkloadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 4, 48)]
    [InlineData(2, 4, 24)]
    [InlineData(3, 8, 40)]
    [InlineData(4, 16, 30)]
    [InlineData(5, 2, 64)]
    public void Random_workloads_reuse_only_correct_kv_and_leak_nothing(int seed, int blockSize, int blocks)
    {
        var kv = new KvCacheManager(blocks, blockSize);
        var run = new RandomWorkload(kv, seed);
        run.Run(4000);
        output.WriteLine($"admitted {run.Admitted}, allocation failures {run.AllocationFailures}, append failures {run.AppendFailures}, " +
            $"hit rate {kv.Stats.HitRate:P1} ({kv.Stats.HitTokens} of {kv.Stats.QueryTokens} tokens)");
        // The workload is built to share prefixes and to run out of blocks: both must have happened.
        Assert.True(run.AllocationFailures + run.AppendFailures > 0, "the pool never ran full");
        Assert.True(kv.Stats.HitTokens > 0 && run.HitTokensVerified == kv.Stats.HitTokens);
        Assert.True(kv.Stats.HitRate > 0.1, $"hit rate {kv.Stats.HitRate:P1}");
    }

    [Theory]
    [InlineData("four-bits", 11)]
    [InlineData("four-bits", 12)]
    [InlineData("ignoring-parent", 13)]
    [InlineData("ignoring-parent", 14)]
    [InlineData("ignoring-tokens", 15)]
    [InlineData("constant", 16)]
    public void A_colliding_hash_still_never_reuses_wrong_kv(string hasher, int seed)
    {
        var hash = hasher switch
        {
            "four-bits" => TestHasher.FourBits(),
            "ignoring-parent" => TestHasher.IgnoringParent(),
            "ignoring-tokens" => TestHasher.IgnoringTokens(),
            _ => TestHasher.Constant(),
        };
        var kv = new KvCacheManager(40, 4, true, hash);
        var run = new RandomWorkload(kv, seed);
        run.Run(4000);
        output.WriteLine($"admitted {run.Admitted}, hit rate {kv.Stats.HitRate:P1}");
    }

    [Fact]
    public void Without_prefix_caching_the_workload_runs_and_never_hits()
    {
        var kv = new KvCacheManager(40, 4, enablePrefixCaching: false);
        new RandomWorkload(kv, 21).Run(3000);
        Assert.Equal(0, kv.Stats.HitTokens);
    }
}
