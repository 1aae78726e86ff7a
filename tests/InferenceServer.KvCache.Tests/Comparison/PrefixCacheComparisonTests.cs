using Xunit.Abstractions;

namespace InferenceServer.KvCache.Tests.Comparison;

/// <summary>
/// Hashed full blocks against an SGLang-style radix tree on the shared-prefix benchmark, with pools small
/// enough to force eviction. Prints the table; run with
/// <c>dotnet test tests/InferenceServer.KvCache.Tests --filter PrefixCacheComparison --logger "console;verbosity=detailed"</c>.
/// </summary>
public class PrefixCacheComparisonTests(ITestOutputHelper output)
{
    private const int BlockSize = 16;

    public static TheoryData<string> Workloads => new() { "uniform", "zipf", "unaligned", "many-small" };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Hashed_blocks_and_radix_tree_on_shared_prefixes(string name)
    {
        var (workload, blocks) = Get(name);
        var requests = workload.Generate();
        Warm(blocks);

        var ideal = PrefixCacheComparison.Run(() => new HashedBlocksSimulator(100_000, BlockSize), workload, requests, 1, lookups: 10);
        var idealTokens = PrefixCacheComparison.Run(() => new RadixTreeSimulator(100_000 * BlockSize, 1), workload, requests, 1, lookups: 10);
        var results = new[]
        {
            PrefixCacheComparison.Run(() => new HashedBlocksSimulator(blocks, BlockSize), workload, requests),
            PrefixCacheComparison.Run(() => new RadixTreeSimulator(blocks, BlockSize), workload, requests),
            PrefixCacheComparison.Run(() => new RadixTreeSimulator(blocks * BlockSize, 1), workload, requests),
        };

        output.WriteLine($"{workload} pool {blocks} blocks x {BlockSize}");
        output.WriteLine($"unbounded pool: {ideal.HitRate:P1} in full blocks, {idealTokens.HitRate:P1} token-level");
        output.WriteLine("design                 hit rate   failures   us/request   us/lookup");
        foreach (var r in results)
            output.WriteLine($"{r.Design,-22} {r.HitRate,8:P1} {r.Failures,10} {r.MicrosPerRequest,12:F1} {r.MicrosPerLookup,11:F2}");

        var hashed = results[0];
        var radixBlocks = results[1];
        // Pools hold every running request: nothing may fail, and eviction must not wipe out reuse.
        Assert.All(results, r => Assert.Equal(0, r.Failures));
        Assert.True(ideal.HitRate > 0.3);
        Assert.True(hashed.HitRate > 0.5 * ideal.HitRate, $"hashed {hashed.HitRate:P1} vs unbounded {ideal.HitRate:P1}");
        Assert.True(hashed.HitRate <= ideal.HitRate + 1e-9);
        Assert.True(radixBlocks.HitRate <= ideal.HitRate + 1e-9);
        Assert.True(results[2].HitRate <= idealTokens.HitRate + 1e-9);
    }

    private static (SharedPrefixWorkload Workload, int Blocks) Get(string name) => name switch
    {
        // 16 system prompts of 1,024 tokens (1,024 blocks in all) through a 900-block pool.
        "uniform" => (new SharedPrefixWorkload(name, 16, 1024, 16, 256, 3000, 8), 900),
        "zipf" => (new SharedPrefixWorkload(name, 16, 1024, 16, 256, 3000, 8, ZipfS: 1.1), 900),
        // Prefixes that end inside a block: only a token-level tree reuses the last partial block.
        "unaligned" => (new SharedPrefixWorkload(name, 16, 1000, 16, 256, 3000, 8), 900),
        "many-small" => (new SharedPrefixWorkload(name, 64, 256, 8, 64, 4000, 16, ZipfS: 0.8), 400),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    // JIT both designs' paths before timing them.
    private static void Warm(int blocks)
    {
        var w = new SharedPrefixWorkload("warm", 4, 256, 8, 64, 300, 4);
        var requests = w.Generate();
        PrefixCacheComparison.Run(() => new HashedBlocksSimulator(blocks, BlockSize), w, requests, 1, 200);
        PrefixCacheComparison.Run(() => new RadixTreeSimulator(blocks, BlockSize), w, requests, 1, 200);
        PrefixCacheComparison.Run(() => new RadixTreeSimulator(blocks * BlockSize, 1), w, requests, 1, 200);
    }
}
