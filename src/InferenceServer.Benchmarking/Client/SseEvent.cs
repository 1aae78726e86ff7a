namespace InferenceServer.Benchmarking.Client;

/// <summary>One server-sent event: its data lines joined by '\n', and the Stopwatch timestamp of its first byte's arrival.</summary>
public readonly record struct SseEvent(long Timestamp, string Data);
