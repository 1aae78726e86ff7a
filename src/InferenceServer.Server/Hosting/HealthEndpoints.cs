using InferenceServer.Server.OpenAi.Errors;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Server.Hosting;

/// <summary><c>GET /health</c> (the process answers) and <c>GET /ready</c> (model loaded and not shutting down).</summary>
public static class HealthEndpoints
{
    public static IResult Health() => Results.Ok();

    public static async Task ReadyAsync(HttpContext context, ServerState state, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(model);
        if (state.IsStopping)
        {
            await ErrorResponses.WriteAsync(context, new ApiException(503, "The server is shutting down.", ErrorTypes.ServiceUnavailable)).ConfigureAwait(false);
            return;
        }
        await Results.Json(new { status = "ready", model = model.Name }).ExecuteAsync(context).ConfigureAwait(false);
    }
}
