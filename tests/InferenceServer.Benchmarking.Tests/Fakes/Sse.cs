using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Benchmarking.Tests.Fakes;

/// <summary>Writes OpenAI-style SSE chunks from a fake handler, each flushed at once so its arrival time is the send time.</summary>
internal static class Sse
{
    public static void Begin(HttpContext context) => context.Response.ContentType = "text/event-stream";

    public static Task WriteRawAsync(HttpContext context, string text) => WriteAndFlushAsync(context, text);

    public static Task CompletionChunkAsync(HttpContext context, string text) =>
        EventAsync(context, new { @object = "text_completion", choices = new[] { new { index = 0, text } } });

    public static Task ChatChunkAsync(HttpContext context, string content) =>
        EventAsync(context, new { @object = "chat.completion.chunk", choices = new[] { new { index = 0, delta = new { content } } } });

    public static Task UsageAsync(HttpContext context, int promptTokens, int completionTokens) =>
        EventAsync(context, new { choices = Array.Empty<object>(), usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens } });

    public static Task DoneAsync(HttpContext context) => WriteAndFlushAsync(context, "data: [DONE]\n\n");

    public static Task EventAsync(HttpContext context, object payload) =>
        WriteAndFlushAsync(context, "data: " + JsonSerializer.Serialize(payload) + "\n\n");

    private static async Task WriteAndFlushAsync(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text));
        await context.Response.Body.FlushAsync();
    }
}
