namespace InferenceServer.Benchmarking.Load;

/// <summary>Gamma(shape, scale) samples by Marsaglia and Tsang's method (shape &lt; 1 boosted through shape + 1).</summary>
internal static class GammaDistribution
{
    public static double Sample(Random random, double shape, double scale)
    {
        if (shape < 1)
            return Sample(random, shape + 1, scale) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v * scale;
        }
    }

    private static double StandardNormal(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
