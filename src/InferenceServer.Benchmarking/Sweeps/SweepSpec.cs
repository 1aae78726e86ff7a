using System.Globalization;

namespace InferenceServer.Benchmarking.Sweeps;

/// <summary>A sweep over one load parameter: "max-concurrency=1,2,4" or "request-rate=1,2,inf".</summary>
public sealed record SweepSpec(string Parameter, IReadOnlyList<double> Values)
{
    public const string MaxConcurrency = "max-concurrency";
    public const string RequestRate = "request-rate";

    public static SweepSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('=', 2);
        string parameter = parts[0].Trim();
        if (parts.Length != 2 || parameter is not (MaxConcurrency or RequestRate))
            throw new ArgumentException($"--sweep expects {MaxConcurrency}=1,2,4 or {RequestRate}=1,2,inf (got '{text}')");
        var values = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => parameter == RequestRate ? ParseRate(v) : ParseConcurrency(v)).ToList();
        if (values.Count == 0) throw new ArgumentException($"--sweep {parameter}: no values given");
        return new SweepSpec(parameter, values);
    }

    /// <summary>A request rate: a positive number or "inf".</summary>
    public static double ParseRate(string text)
    {
        if (string.Equals(text, "inf", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate > 0 && !double.IsInfinity(rate)) return rate;
        throw new ArgumentException($"request rate must be a positive number or inf (got '{text}')");
    }

    private static double ParseConcurrency(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
            : throw new ArgumentException($"max-concurrency must be a whole number of at least 1 (got '{text}')");

    public static string Format(double value) => double.IsPositiveInfinity(value) ? "inf" : value.ToString("0.###", CultureInfo.InvariantCulture);
}
