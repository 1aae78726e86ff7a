namespace InferenceServer.Server.Errors;

/// <summary>What went wrong with a request, independent of the protocol that reports it (OpenAI HTTP or gRPC).</summary>
public enum ServerErrorKind
{
    /// <summary>The request is malformed or asks for something this server does not do.</summary>
    InvalidRequest,

    /// <summary>The caller did not present a valid credential.</summary>
    Unauthorized,

    /// <summary>A named model, version or adapter does not exist.</summary>
    NotFound,

    /// <summary>The request contradicts the server's current state (e.g. a routing change that cannot apply now).</summary>
    Conflict,

    /// <summary>The request is larger than the server accepts.</summary>
    TooLarge,

    /// <summary>The server is at capacity; the caller should retry later.</summary>
    Overloaded,

    /// <summary>The server, or the part serving this request, cannot serve right now.</summary>
    Unavailable,

    /// <summary>The server failed the request through no fault of the caller.</summary>
    Internal,
}
