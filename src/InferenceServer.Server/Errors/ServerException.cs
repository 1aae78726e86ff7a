namespace InferenceServer.Server.Errors;

/// <summary>
/// A request failure the whole server throws, named by <see cref="ServerErrorKind"/>; each protocol maps the kind to its
/// own status (OpenAI's HTTP status and error type, or a gRPC status code), so no folder depends on a protocol to fail.
/// </summary>
public sealed class ServerException : Exception
{
    public ServerException(ServerErrorKind kind, string message, string? param = null, string? code = null)
        : base(message)
    {
        Kind = kind;
        Param = param;
        Code = code;
    }

    public ServerException() : this(ServerErrorKind.Internal, "internal error") { }

    public ServerException(string message) : this(ServerErrorKind.InvalidRequest, message) { }

    public ServerException(string message, Exception inner) : base(message, inner) => Kind = ServerErrorKind.InvalidRequest;

    public ServerErrorKind Kind { get; }

    /// <summary>The request field at fault, if one is.</summary>
    public string? Param { get; }

    /// <summary>A machine-readable error code (e.g. <c>model_not_found</c>), if any.</summary>
    public string? Code { get; }

    /// <summary>Seconds after which a retry may succeed (overloaded and unavailable failures), if known.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ServerException BadRequest(string message, string? param = null) => new(ServerErrorKind.InvalidRequest, message, param);

    public static ServerException ModelNotFound(string model) =>
        new(ServerErrorKind.NotFound, $"The model `{model}` does not exist.", "model", "model_not_found");

    public static ServerException Conflict(string message) => new(ServerErrorKind.Conflict, message, null, "conflict");
}
