using InferenceServer.Engine.Sampling;

namespace InferenceServer.Engine.Tests;

public sealed class TopPNucleusTests
{
    [Theory]
    [InlineData(100, 0.9, 1)]        // the sorted-window path
    [InlineData(32000, 0.9, 2)]      // the bucketed path, flat distribution
    [InlineData(32000, 0.5, 3)]
    [InlineData(151936, 0.95, 4)]
    [InlineData(32000, 0.999, 5)]
    public void The_nucleus_is_exactly_the_fewest_largest_values_reaching_the_mass(int n, double topP, int seed)
    {
        var rng = new Random(seed);
        // exp(x - max) of logits spread like a flat-ish LLM distribution, plus a few ties.
        var logits = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 12).ToArray();
        logits[n / 2] = logits[n / 3];
        double max = logits.Max();
        var values = logits.Select(l => (float)Math.Exp(l - max)).ToArray();
        var ids = Enumerable.Range(0, n).ToArray();
        double total = values.Sum(v => (double)v);
        var expectedOrder = Enumerable.Range(0, n).OrderByDescending(i => values[i]).ToArray();
        var v = (float[])values.Clone();
        int count = Sampler.TopPCount(v, ids, (float)(topP * total), out float kept);

        // Reference: walk the values in descending order until the mass is reached.
        double cumulative = 0;
        int expectedCount = 0;
        foreach (int i in expectedOrder)
        {
            cumulative += values[i];
            expectedCount++;
            if (cumulative >= (float)(topP * total)) break;
        }
        Assert.InRange(count, expectedCount - 1, expectedCount + 1);   // float vs double summation at the cut
        float smallestKept = ids.Take(count).Min(i => values[i]);
        float largestDropped = ids.Skip(count).Select(i => values[i]).DefaultIfEmpty(0).Max();
        Assert.True(smallestKept >= largestDropped, "a dropped value is larger than a kept one");
        Assert.Equal(ids.Take(count).Sum(i => (double)values[i]), kept, 1e-2 * kept);
        Assert.Equal(n, ids.Distinct().Count());
        for (int i = 0; i < n; i++) Assert.Equal(values[ids[i]], v[i]);
    }
}
