namespace InferenceServer.Models.RandomModels;

/// <summary>
/// Deterministic N(0, std) weights: every row has its own generator seeded from (seed, tensor name, row),
/// so rows can be produced in any order (e.g. GGUF's permuted q/k order) and in parallel with identical results.
/// </summary>
public static class RandomWeights
{
    /// <summary>Standard deviation of random weights (the usual initializer_range).</summary>
    public const float DefaultStd = 0.02f;

    /// <summary>Fills <paramref name="row"/> with the values of row <paramref name="rowIndex"/> of tensor <paramref name="tensorName"/>.</summary>
    public static void FillRow(ulong seed, string tensorName, long rowIndex, Span<float> row, float std = DefaultStd)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        ulong state = Mix(seed ^ Fnv1a(tensorName)) ^ Mix((ulong)rowIndex + 0x9E3779B97F4A7C15UL);
        for (int i = 0; i < row.Length; i += 2)
        {
            // Box-Muller: two uniforms in (0, 1] give two independent standard normals.
            double u1 = ((Next(ref state) >> 11) + 1) * (1.0 / (1UL << 53));
            double u2 = (Next(ref state) >> 11) * (1.0 / (1UL << 53));
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
            row[i] = (float)(r * cos) * std;
            if (i + 1 < row.Length) row[i + 1] = (float)(r * sin) * std;
        }
    }

    // SplitMix64: tiny, fast, and stable across .NET versions (unlike System.Random's seeded sequence guarantees).
    private static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv1a(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s) h = (h ^ c) * 1099511628211UL;
        return h;
    }
}
