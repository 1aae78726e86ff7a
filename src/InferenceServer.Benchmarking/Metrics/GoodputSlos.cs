using System.Globalization;
using InferenceServer.Benchmarking.Client;

namespace InferenceServer.Benchmarking.Metrics;

/// <summary>
/// Service-level objectives for goodput, as vLLM's --goodput: "ttft:200 tpot:50 e2el:1000" in milliseconds. A request
/// is good when it succeeded and meets every objective given.
/// </summary>
public sealed record GoodputSlos
{
    public double? TtftMs { get; init; }

    public double? TpotMs { get; init; }

    public double? E2elMs { get; init; }

    public bool IsEmpty => TtftMs is null && TpotMs is null && E2elMs is null;

    public static GoodputSlos Parse(IEnumerable<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var slos = new GoodputSlos();
        foreach (string item in items.SelectMany(i => i.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)))
        {
            string[] parts = item.Split(':');
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) || !(ms > 0))
                throw new ArgumentException($"--goodput expects NAME:MILLISECONDS with a positive number, e.g. ttft:200 (got '{item}')");
            slos = parts[0].ToLowerInvariant() switch
            {
                "ttft" => slos with { TtftMs = ms },
                "tpot" => slos with { TpotMs = ms },
                "e2el" => slos with { E2elMs = ms },
                _ => throw new ArgumentException($"--goodput: unknown metric '{parts[0]}' (expected ttft, tpot or e2el)"),
            };
        }
        return slos;
    }

    public bool IsMetBy(RequestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Success
            && (TtftMs is not { } ttft || outcome.Ttft * 1000 <= ttft)
            && (TpotMs is not { } tpot || outcome.Tpot * 1000 <= tpot)
            && (E2elMs is not { } e2el || outcome.Latency * 1000 <= e2el);
    }

    public override string ToString() => string.Join(' ',
        new[] { ("ttft", TtftMs), ("tpot", TpotMs), ("e2el", E2elMs) }.Where(s => s.Item2 is not null)
            .Select(s => $"{s.Item1}:{s.Item2!.Value.ToString(CultureInfo.InvariantCulture)}"));
}
