namespace InferenceServer.Versions.Health;

/// <summary>What one request to a version came to: success or error, and its latencies (TTFT/TPOT when it streamed tokens).</summary>
public readonly record struct RequestOutcome(bool Failed, TimeSpan Latency, TimeSpan? TimeToFirstToken = null, TimeSpan? TimePerOutputToken = null, int OutputTokens = 0);
