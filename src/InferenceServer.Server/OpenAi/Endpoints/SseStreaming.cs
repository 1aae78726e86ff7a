using InferenceServer.Engine.Requests;
using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.OpenAi.Errors;
using InferenceServer.Server.Sessions;
using InferenceServer.Server.OpenAi.Sse;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary>
/// The SSE loop both OpenAI endpoints share: opening events, one chunk per useful output, the usage chunk when
/// asked for, then <c>[DONE]</c>. An engine failure, a request that failed alone, or an adapter unloaded before its request
/// ran, mid-stream, becomes an error event (the status is already sent).
/// </summary>
public static class SseStreaming
{
    public static async Task RunAsync(
        HttpContext context,
        GenerationSession session,
        bool includeUsage,
        IEnumerable<object> opening,
        Func<ChoiceOutput, object?> chunk,
        Func<Usage, object> usageChunk)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(opening);
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(usageChunk);
        using var sse = SseWriter.Start(context.Response);
        var finals = new List<ChoiceOutput>();
        try
        {
            foreach (var o in opening) await sse.WriteAsync(o).ConfigureAwait(false);
            await foreach (var c in session.ReadAllAsync().ConfigureAwait(false))
            {
                if (c.Output.IsFinal) finals.Add(c);
                if (chunk(c) is { } payload) await sse.WriteAsync(payload).ConfigureAwait(false);
            }
            if (includeUsage) await sse.WriteAsync(usageChunk(Usage.Of(finals))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EngineFailedException or UnknownAdapterException or RequestFailedException)
        {
            // UnknownAdapterException: the adapter was unloaded after submission but before the engine took the request in.
            var api = ErrorMapping.ToApi(e)!;
            await sse.WriteAsync(new ErrorBody(new ErrorDetail(api.Message, api.Type, api.Param, api.Code))).ConfigureAwait(false);
        }
        await sse.WriteDoneAsync().ConfigureAwait(false);
    }
}
