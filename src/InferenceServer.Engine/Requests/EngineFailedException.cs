using InferenceServer.Core.Errors;

namespace InferenceServer.Engine.Requests;

/// <summary>The engine loop failed or was shut down; requests in flight end with this error (HTTP 503, gRPC UNAVAILABLE).</summary>
public sealed class EngineFailedException : InferenceServerException
{
    public EngineFailedException(string message) : base(message) { }
    public EngineFailedException(string message, Exception inner) : base(message, inner) { }
    public EngineFailedException() { }
}
