using System.Globalization;
using System.Text.RegularExpressions;

namespace InferenceServer.Server.Tests;

/// <summary>Reads samples from the server's /metrics text.</summary>
public static class MetricsText
{
    /// <summary>The value of <paramref name="name"/> with exactly <paramref name="labels"/> (e.g. <c>model_name="m"</c>).</summary>
    public static async Task<double> ReadAsync(HttpClient http, string name, string labels)
    {
        var text = await http.GetStringAsync("/metrics");
        var m = Regex.Match(text, "^" + Regex.Escape(name + "{" + labels + "}") + " (\\S+)$", RegexOptions.Multiline);
        Assert.True(m.Success, $"{name}{{{labels}}} missing from /metrics");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The vllm: lines without histogram buckets, for failure messages.</summary>
    public static async Task<string> SummaryAsync(HttpClient http) =>
        string.Join(" | ", (await http.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith("vllm:", StringComparison.Ordinal) && !l.Contains("bucket", StringComparison.Ordinal)));

    /// <summary>Polls until <paramref name="condition"/> holds, failing with the metrics after <paramref name="seconds"/>.</summary>
    public static async Task WaitUntilAsync(HttpClient http, Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting until {what}: {await SummaryAsync(http)}");
            await Task.Delay(5);
        }
    }
}
