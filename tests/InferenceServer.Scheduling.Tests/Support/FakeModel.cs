using InferenceServer.KvCache.Hashing;

namespace InferenceServer.Scheduling.Tests.Support;

/// <summary>
/// A deterministic stand-in for a model: the "KV" of a position chains the previous position's KV with the
/// token, and the next token is that KV mod the vocabulary. Its output depends on every earlier KV, so a
/// wrong reused block or a lost position changes what it generates.
/// </summary>
internal static class FakeModel
{
    public const int Vocab = 97;
    private const ulong Seed = 0x9E3779B97F4A7C15;

    /// <summary>The KV "before" position 0: it depends on the namespace as a real adapter's KV does.</summary>
    public static ulong Start(CacheNamespace ns) =>
        Kv(Kv(Kv(Seed, ns.ModelVersion.GetHashCode(StringComparison.Ordinal)), ns.AdapterId?.GetHashCode(StringComparison.Ordinal) ?? 0),
            ns.CacheSalt?.GetHashCode(StringComparison.Ordinal) ?? 0);

    public static ulong Kv(ulong previous, int token)
    {
        ulong x = previous ^ ((ulong)(uint)token * 0xBF58476D1CE4E5B9);
        x ^= x >> 31;
        x *= 0x94D049BB133111EB;
        return x ^ (x >> 29);
    }

    public static int NextToken(ulong kv) => (int)(kv % Vocab);

    /// <summary>KV of every position of <paramref name="tokens"/>, computed alone from the start.</summary>
    public static ulong[] Chain(ReadOnlySpan<int> tokens, CacheNamespace ns)
    {
        var kv = new ulong[tokens.Length];
        ulong prev = Start(ns);
        for (int i = 0; i < tokens.Length; i++) kv[i] = prev = Kv(prev, tokens[i]);
        return kv;
    }

    /// <summary>Greedy output of the request run alone, without any cache.</summary>
    public static int[] RunAlone(ReadOnlySpan<int> prompt, int maxTokens, CacheNamespace ns)
    {
        var output = new int[maxTokens];
        ulong prev = Start(ns);
        foreach (int t in prompt) prev = Kv(prev, t);
        for (int i = 0; i < maxTokens; i++)
        {
            output[i] = NextToken(prev);
            prev = Kv(prev, output[i]);
        }
        return output;
    }
}
