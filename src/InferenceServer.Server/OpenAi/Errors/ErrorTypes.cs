namespace InferenceServer.Server.OpenAi.Errors;

/// <summary>OpenAI's error "type" values.</summary>
public static class ErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string RateLimit = "rate_limit_error";
    public const string ServiceUnavailable = "service_unavailable_error";
    public const string Internal = "internal_error";
}
