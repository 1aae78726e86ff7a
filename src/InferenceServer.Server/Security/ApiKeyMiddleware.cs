using InferenceServer.Server.Configuration;
using InferenceServer.Server.Errors;
using InferenceServer.Server.Grpc;
using InferenceServer.Server.OpenAi.Errors;

namespace InferenceServer.Server.Security;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c> when API keys are configured: 401 in OpenAI's format for HTTP,
/// UNAUTHENTICATED for gRPC. Health, readiness and metrics stay open when configured so (probes carry no key).
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyCheck keys, ServerOptions options)
{
    private static readonly string[] OpenPaths = ["/health", "/ready", "/metrics", "/grpc.health.v1.Health/"];

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!keys.Enabled || IsOpen(context.Request.Path) || keys.IsValid(BearerToken(context.Request))) return next(context);
        if (GrpcRequests.Is(context.Request))
        {
            GrpcRequests.WriteStatus(context.Response, 16, "a valid API key is required (authorization: Bearer <key>)");
            return Task.CompletedTask;
        }
        return ErrorResponses.WriteAsync(context, ErrorMapping.ToApi(ServerErrorKind.Unauthorized,
            "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.", null, "invalid_api_key"));
    }

    private bool IsOpen(PathString path) =>
        options.OpenHealthAndMetrics && OpenPaths.Any(p => path.StartsWithSegments(p.TrimEnd('/'), StringComparison.Ordinal));

    private static string? BearerToken(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        const string Scheme = "Bearer ";
        return header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
    }
}
