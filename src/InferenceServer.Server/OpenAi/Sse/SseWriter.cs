using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using InferenceServer.Server.OpenAi.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceServer.Server.OpenAi.Sse;

/// <summary>
/// Writes server-sent events straight into Kestrel's response pipe: <c>data: {json}\n\n</c> per event, each
/// flushed at once (a slow client makes the flush wait, which backs up into the engine), then <c>data: [DONE]</c>.
/// </summary>
public sealed class SseWriter : IDisposable
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;
    private readonly CancellationToken _aborted;

    private SseWriter(HttpResponse response)
    {
        _pipe = response.BodyWriter;
        _json = new Utf8JsonWriter(_pipe);
        _aborted = response.HttpContext.RequestAborted;
    }

    /// <summary>Sends the SSE headers; nothing is buffered from here on.</summary>
    public static SseWriter Start(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return new SseWriter(response);
    }

    /// <summary>Writes one event and flushes it to the client.</summary>
    public async ValueTask WriteAsync<T>(T payload)
    {
        _pipe.Write(DataPrefix);
        _json.Reset(_pipe);
        JsonSerializer.Serialize(_json, payload, OpenAiJson.Options);
        _json.Flush();
        _pipe.Write(EventEnd);
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Writes the closing <c>data: [DONE]</c>.</summary>
    public async ValueTask WriteDoneAsync()
    {
        _pipe.Write(Done);
        await FlushAsync().ConfigureAwait(false);
    }

    private async ValueTask FlushAsync()
    {
        var result = await _pipe.FlushAsync(_aborted).ConfigureAwait(false);
        // The client is gone: stop generating for it.
        if (result.IsCanceled || result.IsCompleted) throw new OperationCanceledException("the client disconnected", _aborted);
    }

    public void Dispose() => _json.Dispose();
}
