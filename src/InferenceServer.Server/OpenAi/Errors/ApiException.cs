namespace InferenceServer.Server.OpenAi.Errors;

/// <summary>A request failure with its HTTP status and OpenAI error fields; the error middleware writes it as OpenAI's error JSON.</summary>
public sealed class ApiException : Exception
{
    public ApiException(int status, string message, string type, string? param = null, string? code = null)
        : base(message)
    {
        Status = status;
        Type = type;
        Param = param;
        Code = code;
    }

    public ApiException() : this(500, "internal error", ErrorTypes.Internal) { }

    public ApiException(string message) : this(400, message, ErrorTypes.InvalidRequest) { }

    public ApiException(string message, Exception inner) : base(message, inner)
    {
        Status = 400;
        Type = ErrorTypes.InvalidRequest;
    }

    public int Status { get; }
    public string Type { get; }
    public string? Param { get; }
    public string? Code { get; }

    /// <summary>Seconds for a Retry-After header (429 and 503), if any.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiException BadRequest(string message, string? param = null) => new(400, message, ErrorTypes.InvalidRequest, param);

    public static ApiException ModelNotFound(string model) =>
        new(404, $"The model `{model}` does not exist.", ErrorTypes.InvalidRequest, "model", "model_not_found");
}
