namespace InferenceServer.KvCache.Tests.Comparison;

/// <summary>
/// The shared-prefix benchmark: <see cref="Groups"/> system prompts of <see cref="PrefixLength"/> tokens, each
/// request one of them (uniform or Zipf-popular) plus a random suffix, with <see cref="Live"/> requests running at once.
/// </summary>
internal sealed record SharedPrefixWorkload(
    string Name, int Groups, int PrefixLength, int MinSuffix, int MaxSuffix, int Requests, int Live, double ZipfS = 0, int Seed = 1)
{
    public int[][] Generate()
    {
        var rng = new Random(Seed);
        var prefixes = new int[Groups][];
        for (int g = 0; g < Groups; g++) prefixes[g] = RandomTokens(rng, PrefixLength);
        var cumulative = new double[Groups];
        double total = 0;
        for (int g = 0; g < Groups; g++) cumulative[g] = total += ZipfS == 0 ? 1 : 1 / Math.Pow(g + 1, ZipfS);
        var requests = new int[Requests][];
        for (int r = 0; r < Requests; r++)
        {
            double u = rng.NextDouble() * total;
            int g = Array.FindIndex(cumulative, c => c >= u);
            var suffix = RandomTokens(rng, rng.Next(MinSuffix, MaxSuffix + 1));
            requests[r] = [.. prefixes[g], .. suffix];
        }
        return requests;
    }

    /// <summary>The most tokens one request holds.</summary>
    public int MaxRequestTokens => PrefixLength + MaxSuffix;

    private static int[] RandomTokens(Random rng, int count)
    {
        var t = new int[count];
        for (int i = 0; i < count; i++) t[i] = rng.Next(32_000);
        return t;
    }
}
