namespace InferenceServer.KvCache.Tests.Support;

/// <summary>Token arrays for tests.</summary>
internal static class Tok
{
    /// <summary>first, first+1, ... (count tokens).</summary>
    public static int[] Range(int first, int count) => Enumerable.Range(first, count).ToArray();

    public static int[] Concat(params int[][] parts) => parts.SelectMany(p => p).ToArray();

    public static int[] Random(Random rng, int count, int vocab = 32_000)
    {
        var t = new int[count];
        for (int i = 0; i < count; i++) t[i] = rng.Next(vocab);
        return t;
    }
}
