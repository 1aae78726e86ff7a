using InferenceServer.Server.Errors;

namespace InferenceServer.Server.OpenAi.Errors;

/// <summary>Turns every failure of an HTTP request into OpenAI's error JSON; a client that went away gets nothing.</summary>
public sealed partial class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
        {
            // The client disconnected (a stream's flush can see it before RequestAborted fires); its engine
            // requests were aborted when the session was disposed.
        }
#pragma warning disable CA1031 // A request must never take the server down: anything unexpected becomes a 500.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var api = ErrorMapping.ToApi(e);
            if (api is null)
            {
                LogUnexpected(logger, e, context.Request.Path);
                api = ErrorMapping.ToApi(ServerErrorKind.Internal, "Internal server error.");
            }
            await ErrorResponses.WriteAsync(context, api).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure serving {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception e, PathString path);
}
