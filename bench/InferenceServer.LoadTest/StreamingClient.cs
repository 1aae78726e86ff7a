using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace InferenceServer.LoadTest;

/// <summary>
/// One client: streams completions back to back until the time is up, timing the first token of each; a 429 is
/// counted and retried after its Retry-After. Anything else that is not a complete stream ending in [DONE] is an error.
/// A disconnecting client instead leaves each stream after 1 to 10 events, closing its connection.
/// </summary>
internal sealed class StreamingClient(HttpClient http, LoadSettings settings, bool disconnects = false, int seed = 0)
{
    private readonly Random _random = new(seed);

    public async Task<ClientStats> RunAsync(DateTime until, CancellationToken cancellation)
    {
        var stats = new ClientStats();
        while (DateTime.UtcNow < until && !cancellation.IsCancellationRequested)
        {
            try
            {
                await OneAsync(stats, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or System.Text.Json.JsonException)
            {
                stats.Errors.Add(e.GetType().Name + ": " + e.Message);
            }
        }
        return stats;
    }

    private async Task OneAsync(ClientStats stats, CancellationToken cancellation)
    {
        var body = new
        {
            model = settings.Model,
            prompt = settings.Prompt,
            max_tokens = settings.MaxTokens,
            ignore_eos = true,
            stream = true,
            stream_options = new { include_usage = true },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = JsonContent.Create(body) };
        long start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            stats.Rejected++;
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(false);
            return;
        }
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false)}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false));
        bool first = true, done = false;
        int tokens = -1, leaveAfter = disconnects ? _random.Next(1, 11) : int.MaxValue, events = 0;
        while (await reader.ReadLineAsync(cancellation).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (++events > leaveAfter)
            {
                // Disposing the unread response (no draining, see Program) aborts the connection.
                stats.Disconnected++;
                return;
            }
            string data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                break;
            }
            var chunk = JsonNode.Parse(data)!;
            if (chunk["error"] is { } error) throw new InvalidOperationException("error event: " + error.ToJsonString());
            if (first && chunk["choices"]!.AsArray().Count > 0)
            {
                stats.TtftSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                first = false;
            }
            if (chunk["usage"] is { } usage) tokens = usage["completion_tokens"]!.GetValue<int>();
        }
        if (!done || tokens < 0) throw new InvalidOperationException("the stream ended without usage and [DONE]");
        stats.Tokens += tokens;
        stats.Completed++;
    }
}
