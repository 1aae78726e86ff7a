using System.Net.Http.Json;
using System.Net.Sockets;

namespace InferenceServer.Server.Tests;

/// <summary>
/// A streaming chat request whose client reads the first event and then stops reading, with a small socket
/// receive buffer. The tiny model generates far faster than anyone reads, so only backpressure (full socket, full
/// response pipe, full engine channel) keeps the request running; each chunk carries 20 top logprobs (~1 KB), so
/// the whole answer is several times what the buffers hold. Disposing closes the connection without draining.
/// </summary>
public sealed class StalledStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private StalledStream(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        _client = client;
        _response = response;
        _reader = reader;
    }

    /// <summary>Resumes reading: the data of every remaining event, up to and including [DONE].</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var events = new List<string>();
        while (await _reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(line["data: ".Length..]);
        return events;
    }

    /// <param name="baseAddress">The server.</param>
    /// <param name="apiKey">A bearer key, if the server wants one.</param>
    /// <param name="model">The "model" to ask for (a LoRA adapter, say); null: the base model.</param>
    /// <param name="choices">n: more choices, more bytes and more KV blocks, so the request lasts longer still.</param>
    public static async Task<StalledStream> OpenAsync(Uri baseAddress, string? apiKey = null, string? model = null, int choices = 1)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            // No draining of the unread answer on dispose (to reuse the connection): the client really leaves.
            MaxResponseDrainSize = 0,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 8192 };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = baseAddress };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = model ?? "",
                n = choices,
                messages = new[] { new { role = "user", content = "Tell me a story." } },
                temperature = 0,
                ignore_eos = true,
                stream = true,
                logprobs = true,
                top_logprobs = 20,
            }),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        return new StalledStream(client, response, reader);
    }

    public ValueTask DisposeAsync()
    {
        _response.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
