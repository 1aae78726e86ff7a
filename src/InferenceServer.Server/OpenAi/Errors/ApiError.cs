namespace InferenceServer.Server.OpenAi.Errors;

/// <summary>An error as an OpenAI client sees it: the HTTP status, the error JSON's fields and an optional Retry-After.</summary>
public sealed record ApiError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    /// <summary>Seconds for a Retry-After header (429 and 503), if any.</summary>
    public int? RetryAfterSeconds { get; init; }
}
