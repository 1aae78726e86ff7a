namespace InferenceServer.Cuda.Tests.Support;

/// <summary>
/// The exact distribution the CPU sampler draws from for one row (independent of it, in double): temperature, top-k,
/// min-p relative to the most likely token, top-p as the smallest most-likely prefix reaching top_p of the mass.
/// </summary>
internal static class SamplingDistribution
{
    public static double[] Of(float[] logits, float temperature, int topK, float topP, float minP)
    {
        int n = logits.Length;
        var v = logits.Select(l => (double)(l * (1f / temperature))).ToArray();
        var order = Enumerable.Range(0, n).OrderByDescending(i => v[i]).ToArray();
        var keep = new bool[n];
        int kept = topK > 0 && topK < n ? topK : n;
        foreach (var i in order.Take(kept)) keep[i] = true;
        double max = v[order[0]];
        var p = new double[n];
        for (int i = 0; i < n; i++) p[i] = keep[i] ? Math.Exp(v[i] - max) : 0;
        if (minP > 0)
            for (int i = 0; i < n; i++) if (p[i] < minP) p[i] = 0;
        if (topP < 1)
        {
            double target = topP * p.Sum(), cumulative = 0;
            bool reached = false;
            foreach (var i in order)
            {
                if (reached) p[i] = 0;
                cumulative += p[i];
                reached |= cumulative >= target;
            }
        }
        double total = p.Sum();
        return p.Select(x => x / total).ToArray();
    }

    /// <summary>
    /// Asserts that <paramref name="counts"/> could come from <paramref name="probabilities"/>: no draw of a token with
    /// probability 0, and Pearson's chi-square below its 0.1 % critical value (Wilson–Hilferty), so a fixed-seed run
    /// fails only for a wrong distribution.
    /// </summary>
    public static void AssertFits(int[] counts, double[] probabilities, string what)
    {
        int draws = counts.Sum(), df = -1;
        double chi2 = 0, pooledExpected = 0, pooledCount = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (probabilities[i] == 0)
            {
                Assert.True(counts[i] == 0, $"{what}: token {i} was drawn {counts[i]} times but is filtered out");
                continue;
            }
            double expected = draws * probabilities[i];
            if (expected < 5)
            {
                // Rare tokens share one bin: the chi-square approximation needs about 5 expected draws per bin.
                pooledExpected += expected;
                pooledCount += counts[i];
                continue;
            }
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
            df++;
        }
        if (pooledExpected > 0)
        {
            chi2 += (pooledCount - pooledExpected) * (pooledCount - pooledExpected) / pooledExpected;
            df++;
        }
        if (df < 1) return;
        const double Z = 3.09;  // the normal quantile at 0.999
        double h = 2.0 / (9 * df), critical = df * Math.Pow(1 - h + Z * Math.Sqrt(h), 3);
        Assert.True(chi2 < critical, $"{what}: chi-square {chi2:F1} over {df} degrees of freedom exceeds {critical:F1}");
    }
}
