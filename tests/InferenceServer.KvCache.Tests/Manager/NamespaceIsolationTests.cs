using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;
using InferenceServer.KvCache.Tests.Support;

namespace InferenceServer.KvCache.Tests.Manager;

public class NamespaceIsolationTests
{
    private static readonly CacheNamespace Base = new("llama@1");

    public static TheoryData<CacheNamespace> Others => new()
    {
        new CacheNamespace("llama@2"),
        new CacheNamespace("llama@1", AdapterId: "sql-lora"),
        new CacheNamespace("llama@1", CacheSalt: "tenant-7"),
        new CacheNamespace("llama@1", AdapterId: "sql-lora", CacheSalt: "tenant-7"),
        // Same characters split differently between the fields.
        new CacheNamespace("llama@", AdapterId: "1"),
    };

    [Theory]
    [MemberData(nameof(Others))]
    public void Another_version_adapter_or_salt_never_hits(CacheNamespace other)
    {
        var kv = new KvCacheManager(16, blockSize: 4);
        var prompt = Tok.Range(0, 21);
        Assert.True(kv.TryAllocate(new SequenceId(1), prompt, Base, out _));
        kv.CommitFullBlocks(new SequenceId(1), prompt);
        Assert.True(kv.TryAllocate(new SequenceId(2), prompt, other, out int cached));
        Assert.Equal(0, cached);
        Assert.True(kv.TryAllocate(new SequenceId(3), prompt, Base, out cached));
        Assert.Equal(20, cached);
        // Both namespaces can be cached side by side.
        kv.CommitFullBlocks(new SequenceId(2), prompt);
        Assert.Equal(20, kv.CountCachedTokens(prompt, other));
        Assert.Equal(20, kv.CountCachedTokens(prompt, Base));
    }

    [Fact]
    public void Namespaces_stay_apart_even_when_the_hash_ignores_them()
    {
        var kv = new KvCacheManager(16, 4, true, TestHasher.IgnoringNamespace());
        var prompt = Tok.Range(0, 9);
        Assert.True(kv.TryAllocate(new SequenceId(1), prompt, Base, out _));
        kv.CommitFullBlocks(new SequenceId(1), prompt);
        Assert.True(kv.TryAllocate(new SequenceId(2), prompt, Base with { AdapterId = "a" }, out int cached));
        Assert.Equal(0, cached);
        Assert.True(kv.TryAllocate(new SequenceId(3), prompt, Base, out cached));
        Assert.Equal(8, cached);
    }
}
