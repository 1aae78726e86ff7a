namespace InferenceServer.KvCache.Tests.Properties;

/// <summary>
/// What each slot of the pool "holds": a fingerprint of the namespace and every token up to that position,
/// written when a sequence computes the position. Reusing a slot whose fingerprint differs from the one the
/// reusing sequence would write means its attention would read someone else's KV.
/// </summary>
internal sealed class ShadowKv(int slots)
{
    public const long Garbage = -1;
    private readonly long[] _slots = Fill(slots);

    public long this[int slot]
    {
        get => _slots[slot];
        set => _slots[slot] = value;
    }

    /// <summary>Fingerprints of every prefix: [i] covers the namespace and tokens[0..i].</summary>
    public static long[] Prefixes(int nsIndex, int[] tokens)
    {
        var fp = new long[tokens.Length];
        ulong h = Mix((ulong)nsIndex + 0x9E37_79B9_7F4A_7C15UL);
        for (int i = 0; i < tokens.Length; i++)
        {
            h = Mix(h ^ (uint)tokens[i]) + (ulong)i;
            fp[i] = (long)(h & long.MaxValue);
        }
        return fp;
    }

    private static long[] Fill(int n)
    {
        var a = new long[n];
        Array.Fill(a, Garbage);
        return a;
    }

    // splitmix64's finaliser.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
