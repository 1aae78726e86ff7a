using System.Globalization;
using InferenceServer.Benchmarking.Load;

namespace InferenceServer.Benchmarking.Progress;

/// <summary>The one-line summary both progress displays show: completed / failed / in flight and output tokens/s.</summary>
internal static class ProgressLine
{
    public static string Format(LiveCounters counters, TimeSpan elapsed)
    {
        double rate = elapsed.TotalSeconds > 0 ? counters.OutputTokens / elapsed.TotalSeconds : 0;
        string total = counters.Total is { } t ? "/" + t.ToString(CultureInfo.InvariantCulture) : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{counters.Completed}{total} done, {counters.Failed} failed, {counters.InFlight} in flight, {rate:0.0} tok/s, {elapsed.TotalSeconds:0.0} s");
    }
}
