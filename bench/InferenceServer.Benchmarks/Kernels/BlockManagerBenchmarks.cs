using BenchmarkDotNet.Attributes;
using InferenceServer.KvCache;
using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;

namespace InferenceServer.Benchmarks.Kernels;

/// <summary>
/// Block manager operations per request: admitting a 1,024-token prompt whose first 768 tokens are cached
/// (hash lookups and confirmations), then 64 decode appends with full-block commits, then freeing it.
/// </summary>
[Config(typeof(TokenizerBenchConfig))]
public class BlockManagerBenchmarks
{
    private KvCacheManager _kv = null!;
    private int[] _tokens = [];
    private readonly CacheNamespace _ns = new("bench");

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _tokens = Enumerable.Range(0, 1024 + 64).Select(_ => rng.Next(3, 32000)).ToArray();
        _kv = new KvCacheManager(numBlocks: 4096, blockSize: 16);
        // Cache the shared 768-token prefix once.
        var seed = new SequenceId(-1);
        _kv.TryAllocate(seed, _tokens.AsSpan(0, 768), _ns, out _);
        _kv.CommitFullBlocks(seed, _tokens.AsSpan(0, 768));
        _kv.Free(seed);
    }

    [Benchmark(Description = "admit 1,024 tokens (768 cached), 64 decode appends + commits, free")]
    public int RequestLifecycle()
    {
        var seq = new SequenceId(1);
        _kv.TryAllocate(seq, _tokens.AsSpan(0, 1024), _ns, out int cached);
        _kv.CommitFullBlocks(seq, _tokens.AsSpan(0, 1024));
        for (int i = 0; i < 64; i++)
        {
            _kv.AppendSlots(seq, 1);
            _kv.CommitFullBlocks(seq, _tokens.AsSpan(0, 1025 + i));
        }
        _kv.Free(seq);
        return cached;
    }
}
