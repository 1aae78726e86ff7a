using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceServer.Benchmarking.Datasets;

namespace InferenceServer.Benchmarking.Client;

/// <summary>
/// Sends one streaming request to an OpenAI-compatible server (greedy, max_tokens = the prompt's output length,
/// ignore_eos, usage in the last chunk) and times it from the SSE events as they arrive. Failures become outcomes, not exceptions.
/// </summary>
public sealed class OpenAiStreamingClient(HttpClient http, EndpointKind endpoint, string model, bool ignoreEos = true)
{
    /// <summary>Streams <paramref name="prompt"/> to the end; <see cref="RequestOutcome.SentAt"/> counts from the Stopwatch timestamp <paramref name="runStart"/>.</summary>
    public Task<RequestOutcome> SendAsync(BenchPrompt prompt, long runStart, CancellationToken cancellation) =>
        SendAsync(prompt, runStart, onEvent: null, cancellation);

    /// <summary>
    /// As <see cref="SendAsync(BenchPrompt, long, CancellationToken)"/>, showing <paramref name="onEvent"/> each event as it
    /// arrives, before the client reads it. Cancelling <paramref name="cancellation"/> mid-stream (from there, say, to walk
    /// away after a few events) leaves the stream at the next event: the response is disposed unread and
    /// OperationCanceledException thrown.
    /// </summary>
    public async Task<RequestOutcome> SendAsync(BenchPrompt prompt, long runStart, Action<SseEvent>? onEvent, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint == EndpointKind.Chat ? "v1/chat/completions" : "v1/completions")
        {
            Content = JsonContent.Create(Body(prompt)),
        };
        long start = Stopwatch.GetTimestamp();
        double sentAt = Stopwatch.GetElapsedTime(runStart, start).TotalSeconds;
        var stream = new StreamTimings(start);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
                return Failed(sentAt, $"HTTP {(int)response.StatusCode}: {Shorten(body)}") with
                {
                    StatusCode = response.StatusCode,
                    RetryAfter = Delay(response.Headers.RetryAfter),
                };
            }
            var reader = new SseEventReader(await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false));
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false) is { } e)
            {
                onEvent?.Invoke(e);
                // Buffered events are read without awaiting the network, where the token is otherwise checked.
                cancellation.ThrowIfCancellationRequested();
                if (e.Data == "[DONE]")
                    return stream.Finish(e.Timestamp, sentAt, prompt.PromptTokens);
                if (ParseChunk(e) is { } error) return Failed(sentAt, error);
            }
            return Failed(sentAt, "the stream ended before data: [DONE]");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or InvalidOperationException
                                   || (ex is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            return Failed(sentAt, $"{ex.GetType().Name}: {ex.Message}");
        }

        string? ParseChunk(SseEvent e)
        {
            var chunk = JsonNode.Parse(e.Data) as JsonObject ?? throw new JsonException("an SSE event that is not a JSON object");
            if (chunk["error"] is { } error) return "error event: " + Shorten(error.ToJsonString());
            if (chunk["choices"] is JsonArray { Count: > 0 } choices && Text(choices[0]) is { Length: > 0 })
                stream.Token(e.Timestamp);
            if (chunk["usage"] is JsonObject usage)
                stream.Usage(usage["prompt_tokens"]?.GetValue<int>(), usage["completion_tokens"]?.GetValue<int>());
            return null;
        }
    }

    private object Body(BenchPrompt prompt)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = model,
            ["temperature"] = 0,
            ["stream"] = true,
            ["stream_options"] = new { include_usage = true },
            ["ignore_eos"] = ignoreEos,
        };
        if (endpoint == EndpointKind.Chat)
        {
            body["messages"] = new[] { new { role = "user", content = prompt.Prompt } };
            body["max_completion_tokens"] = prompt.OutputTokens;
        }
        else
        {
            body["prompt"] = prompt.Prompt;
            body["max_tokens"] = prompt.OutputTokens;
        }
        return body;
    }

    private string? Text(JsonNode? choice) =>
        endpoint == EndpointKind.Chat ? choice?["delta"]?["content"]?.GetValue<string>() : choice?["text"]?.GetValue<string>();

    private static RequestOutcome Failed(double sentAt, string error) => new() { Success = false, Error = error, SentAt = sentAt };

    /// <summary>A Retry-After header as a delay from now (a date already past is no delay); null without one.</summary>
    private static TimeSpan? Delay(RetryConditionHeaderValue? retryAfter) => retryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero,
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>Timestamps of the text-carrying events of one stream and the usage, turned into an outcome at [DONE].</summary>
    private sealed class StreamTimings(long start)
    {
        private readonly List<double> _itl = [];
        private long _first, _last;
        private int _chunks;
        private int? _promptTokens, _completionTokens;

        public void Token(long timestamp)
        {
            if (_chunks++ == 0) _first = timestamp;
            else _itl.Add(Stopwatch.GetElapsedTime(_last, timestamp).TotalSeconds);
            _last = timestamp;
        }

        public void Usage(int? promptTokens, int? completionTokens)
        {
            _promptTokens = promptTokens;
            _completionTokens = completionTokens;
        }

        public RequestOutcome Finish(long end, double sentAt, int datasetPromptTokens)
        {
            if (_chunks == 0) return Failed(sentAt, "the stream carried no generated text");
            bool usage = _completionTokens is not null;
            return new RequestOutcome
            {
                Success = true,
                SentAt = sentAt,
                Ttft = Stopwatch.GetElapsedTime(start, _first).TotalSeconds,
                Itl = _itl,
                Latency = Stopwatch.GetElapsedTime(start, end).TotalSeconds,
                OutputTokens = _completionTokens ?? _chunks,
                PromptTokens = _promptTokens ?? datasetPromptTokens,
                TokenSource = usage ? TokenCountSource.Usage : TokenCountSource.Chunks,
            };
        }
    }
}
