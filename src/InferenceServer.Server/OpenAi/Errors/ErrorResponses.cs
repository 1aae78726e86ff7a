using System.Text.Json;
using InferenceServer.Server.OpenAi.Contracts;

namespace InferenceServer.Server.OpenAi.Errors;

/// <summary>Writes OpenAI error JSON with the right status (and Retry-After where it applies).</summary>
public static class ErrorResponses
{
    public static async Task WriteAsync(HttpContext context, ApiError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var response = context.Response;
        if (response.HasStarted) return;
        response.Clear();
        response.StatusCode = error.Status;
        // RFC 6750: every 401 names the scheme it wants.
        if (error.Status == StatusCodes.Status401Unauthorized) response.Headers.WWWAuthenticate = "Bearer";
        if (error.RetryAfterSeconds is int seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.ContentType = "application/json";
        var body = new ErrorBody(new ErrorDetail(error.Message, error.Type, error.Param, error.Code));
        await JsonSerializer.SerializeAsync(response.Body, body, OpenAiJson.Options, context.RequestAborted).ConfigureAwait(false);
    }
}
