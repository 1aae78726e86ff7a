using InferenceServer.Benchmarking.Client;

namespace InferenceServer.Benchmarking.Results;

/// <summary>One request in the result file (milliseconds), so distributions can be re-plotted or re-analysed later.</summary>
public sealed record RequestRecord(bool Success, double SentAtMs, int PromptTokens, int OutputTokens, double TtftMs, double TpotMs, double E2elMs, string? Error)
{
    public static RequestRecord From(RequestOutcome r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Success, r.SentAt * 1000, r.PromptTokens, r.OutputTokens, r.Ttft * 1000, r.Tpot * 1000, r.Latency * 1000, r.Error);
    }
}
