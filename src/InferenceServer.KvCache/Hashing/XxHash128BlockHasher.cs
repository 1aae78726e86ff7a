using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace InferenceServer.KvCache.Hashing;

/// <summary>
/// XXH128 over (parent hash, namespace hash, token ids). Block hashes are one-shot over a reused scratch
/// buffer (several times faster than the streaming API on inputs this short), so hashing allocates nothing.
/// Not thread-safe: the block manager runs on the engine thread.
/// </summary>
internal sealed class XxHash128BlockHasher : IBlockHasher
{
    private const int HeaderBytes = 2 * 16;
    private readonly XxHash128 _streaming = new();
    private byte[] _scratch = new byte[HeaderBytes + 16 * sizeof(int)];

    public UInt128 HashNamespace(CacheNamespace ns)
    {
        _streaming.Reset();
        AppendString(ns.ModelVersion);
        AppendString(ns.AdapterId);
        AppendString(ns.CacheSalt);
        return _streaming.GetCurrentHashAsUInt128();
    }

    public UInt128 HashBlock(UInt128 parent, ReadOnlySpan<int> tokens, UInt128 ns)
    {
        int length = HeaderBytes + tokens.Length * sizeof(int);
        // Grows once, to the block size in use.
        if (_scratch.Length < length) _scratch = new byte[length];
        var buffer = _scratch.AsSpan(0, length);
        MemoryMarshal.Write(buffer, in parent);
        MemoryMarshal.Write(buffer[16..], in ns);
        MemoryMarshal.AsBytes(tokens).CopyTo(buffer[HeaderBytes..]);
        return XxHash128.HashToUInt128(buffer);
    }

    // The length goes first (-1 for null) so that ("ab", null) and ("a", "b") hash differently.
    private void AppendString(string? value)
    {
        int length = value?.Length ?? -1;
        _streaming.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in length)));
        if (value is not null) _streaming.Append(MemoryMarshal.AsBytes(value.AsSpan()));
    }
}
