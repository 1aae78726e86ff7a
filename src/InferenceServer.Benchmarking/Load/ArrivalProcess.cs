namespace InferenceServer.Benchmarking.Load;

/// <summary>
/// Gaps between request arrivals, as vLLM draws them: gamma with shape = burstiness and mean 1 / rate (burstiness 1
/// is a Poisson process, below 1 burstier, above 1 more regular); an infinite rate sends everything at once.
/// </summary>
public sealed class ArrivalProcess
{
    private readonly Random _random;
    private readonly double _rate;
    private readonly double _burstiness;

    public ArrivalProcess(double requestRate, double burstiness, int seed)
    {
        if (double.IsNaN(requestRate) || requestRate <= 0) throw new ArgumentException($"--request-rate must be positive or inf (got {requestRate})");
        if (double.IsNaN(burstiness) || burstiness <= 0 || double.IsInfinity(burstiness)) throw new ArgumentException($"--burstiness must be a positive number (got {burstiness})");
        _rate = requestRate;
        _burstiness = burstiness;
        _random = new Random(seed);
    }

    /// <summary>Seconds from the previous arrival to the next.</summary>
    public double NextGapSeconds() =>
        double.IsPositiveInfinity(_rate) ? 0 : GammaDistribution.Sample(_random, _burstiness, 1 / (_rate * _burstiness));
}
