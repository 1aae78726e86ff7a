namespace InferenceServer.Benchmarking.Datasets;

/// <summary>Draws lengths uniformly from [len * (1 - r), len * (1 + r)], as vLLM's random dataset does with its range ratio.</summary>
internal static class LengthSampler
{
    public static int Draw(Random random, int length, double rangeRatio)
    {
        if (length < 1) throw new ArgumentException($"lengths must be at least 1 (got {length})");
        if (rangeRatio is < 0 or >= 1) throw new ArgumentException($"--range-ratio must be in [0, 1) (got {rangeRatio})");
        int low = Math.Max(1, (int)Math.Floor(length * (1 - rangeRatio)));
        int high = Math.Max(low, (int)Math.Ceiling(length * (1 + rangeRatio)));
        return random.Next(low, high + 1);
    }
}
