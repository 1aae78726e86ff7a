using InferenceServer.Engine.Requests;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Errors;

namespace InferenceServer.Server.OpenAi.Errors;

/// <summary>Maps failures of the server, engine, admission and Kestrel to OpenAI errors; null for unexpected ones (500).</summary>
public static class ErrorMapping
{
    public static ApiError? ToApi(Exception e) => e switch
    {
        ServerException server => ToApi(server),
        UnknownAdapterException unknown => new ApiError(404, unknown.Message, ErrorTypes.InvalidRequest, "model", "model_not_found"),
        InvalidRequestException invalid => ToApi(ServerErrorKind.InvalidRequest, invalid.Message),
        OverloadedException overloaded => new ApiError(429, overloaded.Message, ErrorTypes.RateLimit, null, "rate_limit_exceeded")
        {
            RetryAfterSeconds = overloaded.RetryAfterSeconds,
        },
        EngineFailedException failed => new ApiError(503, failed.Message, ErrorTypes.ServiceUnavailable) { RetryAfterSeconds = 1 },
        RequestFailedException failed => new ApiError(500, failed.Message, ErrorTypes.Internal),
        BadHttpRequestException { StatusCode: 413 } => ToApi(ServerErrorKind.TooLarge, "The request body is too large.", null, "request_too_large"),
        // Kestrel's own statuses (408, 431, ...) pass through as they are: they have no server error kind.
        BadHttpRequestException bad => new ApiError(bad.StatusCode, bad.Message, ErrorTypes.InvalidRequest),
        _ => null,
    };

    public static ApiError ToApi(ServerException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return ToApi(e.Kind, e.Message, e.Param, e.Code) with { RetryAfterSeconds = e.RetryAfterSeconds };
    }

    /// <summary>The OpenAI error for a kind of failure: its HTTP status and error type.</summary>
    public static ApiError ToApi(ServerErrorKind kind, string message, string? param = null, string? code = null) => kind switch
    {
        ServerErrorKind.InvalidRequest => new(StatusCodes.Status400BadRequest, message, ErrorTypes.InvalidRequest, param, code),
        ServerErrorKind.Unauthorized => new(StatusCodes.Status401Unauthorized, message, ErrorTypes.Authentication, param, code),
        ServerErrorKind.NotFound => new(StatusCodes.Status404NotFound, message, ErrorTypes.InvalidRequest, param, code),
        ServerErrorKind.Conflict => new(StatusCodes.Status409Conflict, message, ErrorTypes.InvalidRequest, param, code),
        ServerErrorKind.TooLarge => new(StatusCodes.Status413PayloadTooLarge, message, ErrorTypes.InvalidRequest, param, code),
        ServerErrorKind.Overloaded => new(StatusCodes.Status429TooManyRequests, message, ErrorTypes.RateLimit, param, code),
        ServerErrorKind.Unavailable => new(StatusCodes.Status503ServiceUnavailable, message, ErrorTypes.ServiceUnavailable, param, code),
        ServerErrorKind.Internal => new(StatusCodes.Status500InternalServerError, message, ErrorTypes.Internal, param, code),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown error kind"),
    };
}
