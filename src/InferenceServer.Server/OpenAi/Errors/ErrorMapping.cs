using InferenceServer.Engine.Batching;
using InferenceServer.Server.Admission;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Server.OpenAi.Errors;

/// <summary>Maps failures of the engine, admission and Kestrel to OpenAI errors; null for unexpected ones (500).</summary>
public static class ErrorMapping
{
    public static ApiException? ToApi(Exception e) => e switch
    {
        ApiException api => api,
        UnknownAdapterException unknown => new ApiException(404, unknown.Message, ErrorTypes.InvalidRequest, "model", "model_not_found"),
        InvalidRequestException invalid => ApiException.BadRequest(invalid.Message),
        OverloadedException overloaded => new ApiException(429, overloaded.Message, ErrorTypes.RateLimit, null, "rate_limit_exceeded")
        {
            RetryAfterSeconds = overloaded.RetryAfterSeconds,
        },
        EngineFailedException failed => new ApiException(503, failed.Message, ErrorTypes.ServiceUnavailable) { RetryAfterSeconds = 1 },
        RequestFailedException failed => new ApiException(500, failed.Message, ErrorTypes.Internal),
        BadHttpRequestException { StatusCode: 413 } => new ApiException(413, "The request body is too large.", ErrorTypes.InvalidRequest, null, "request_too_large"),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, bad.Message, ErrorTypes.InvalidRequest),
        _ => null,
    };
}
