namespace InferenceServer.Server.Admission;

/// <summary>The waiting queue is full (HTTP 429 with Retry-After, gRPC RESOURCE_EXHAUSTED).</summary>
public sealed class OverloadedException : Exception
{
    public OverloadedException(string message, int retryAfterSeconds) : base(message) => RetryAfterSeconds = retryAfterSeconds;

    public OverloadedException() : this("the server is overloaded", 1) { }

    public OverloadedException(string message) : this(message, 1) { }

    public OverloadedException(string message, Exception inner) : base(message, inner) => RetryAfterSeconds = 1;

    public int RetryAfterSeconds { get; }
}
