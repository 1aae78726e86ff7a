using System.Security.Cryptography;
using InferenceServer.Core.Errors;

namespace InferenceServer.Engine.Requests;

/// <summary>
/// One request failed on an unexpected error while the engine served it; the engine dropped that request alone and
/// goes on with the others (HTTP 500, gRPC INTERNAL). <see cref="ErrorId"/> ties the client's message to the log
/// entry that carries the cause.
/// </summary>
public sealed class RequestFailedException : InferenceServerException
{
    public RequestFailedException(Exception cause)
        : this(cause, NewErrorId())
    {
    }

    private RequestFailedException(Exception cause, string errorId)
        : base($"Internal error {errorId} while generating this request; the server log has the details under that id.", cause)
    {
        ErrorId = errorId;
    }

    public RequestFailedException() : base("Internal error while generating this request.") => ErrorId = "";
    public RequestFailedException(string message) : base(message) => ErrorId = "";
    public RequestFailedException(string message, Exception inner) : base(message, inner) => ErrorId = "";

    /// <summary>The id in the client's message and the server log.</summary>
    public string ErrorId { get; }

    private static string NewErrorId() => "err-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
