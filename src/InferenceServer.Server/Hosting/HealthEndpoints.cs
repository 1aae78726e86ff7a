using InferenceServer.Server.Errors;
using InferenceServer.Server.OpenAi.Errors;
using InferenceServer.Server.Serving;

namespace InferenceServer.Server.Hosting;

/// <summary>
/// <c>GET /health</c> (the process can serve: 503 once an engine failed for good, so liveness probes restart it) and
/// <c>GET /ready</c> (model loaded, not shutting down, no engine failed).
/// </summary>
public static class HealthEndpoints
{
    public static async Task HealthAsync(HttpContext context, ServerState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Failure is { } failure)
        {
            await ErrorResponses.WriteAsync(context, ErrorMapping.ToApi(ServerErrorKind.Unavailable, $"The server cannot serve: {failure}.")).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    public static async Task ReadyAsync(HttpContext context, ServerState state, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(model);
        if (state.Failure is { } failure)
        {
            await ErrorResponses.WriteAsync(context, ErrorMapping.ToApi(ServerErrorKind.Unavailable, $"The server cannot serve: {failure}.")).ConfigureAwait(false);
            return;
        }
        if (state.IsStopping)
        {
            await ErrorResponses.WriteAsync(context, ErrorMapping.ToApi(ServerErrorKind.Unavailable, "The server is shutting down.")).ConfigureAwait(false);
            return;
        }
        await Results.Json(new { status = "ready", model = model.Name }).ExecuteAsync(context).ConfigureAwait(false);
    }
}
