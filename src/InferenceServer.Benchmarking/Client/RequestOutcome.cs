using System.Net;

namespace InferenceServer.Benchmarking.Client;

/// <summary>What one streamed request measured; times in seconds from the moment the request was sent.</summary>
public sealed record RequestOutcome
{
    public bool Success { get; init; }

    /// <summary>Why the request failed (HTTP status and body, an error event, a broken stream); null on success.</summary>
    public string? Error { get; init; }

    /// <summary>The HTTP status of a request the server refused (not 2xx), such as 429; null when it streamed or never answered.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>How long a refusing server asked the client to wait (its Retry-After); null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public int PromptTokens { get; init; }

    public int OutputTokens { get; init; }

    public TokenCountSource TokenSource { get; init; }

    /// <summary>Time to the first event carrying generated text.</summary>
    public double Ttft { get; init; }

    /// <summary>Gaps between consecutive events carrying text (inter-token latency; one per chunk after the first).</summary>
    public IReadOnlyList<double> Itl { get; init; } = [];

    /// <summary>Time to the first byte of data: [DONE] (end-to-end latency).</summary>
    public double Latency { get; init; }

    /// <summary>Seconds from the start of the run to when the request was sent.</summary>
    public double SentAt { get; init; }

    /// <summary>Time per output token after the first: (latency - TTFT) / (output tokens - 1), 0 for a single token.</summary>
    public double Tpot => OutputTokens > 1 ? (Latency - Ttft) / (OutputTokens - 1) : 0;
}
