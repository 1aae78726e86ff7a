using InferenceServer.Core.Errors;

namespace InferenceServer.Engine.Requests;

/// <summary>A request the engine cannot serve as given (HTTP 400, gRPC INVALID_ARGUMENT); the message says why.</summary>
public sealed class InvalidRequestException : InferenceServerException
{
    public InvalidRequestException(string message) : base(message) { }
    public InvalidRequestException(string message, Exception inner) : base(message, inner) { }
    public InvalidRequestException() { }
}
