using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceServer.Server.Tests;

/// <summary>Small helpers for raw JSON requests and SSE streams.</summary>
public static class Json
{
    public static async Task<(HttpResponseMessage Response, JsonNode Body)> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response, JsonNode.Parse(text)!);
    }

    public static async Task<(HttpResponseMessage Response, JsonNode Body)> PostRawAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response, JsonNode.Parse(text)!);
    }

    /// <summary>Posts a streaming request and returns the JSON of every SSE event before [DONE] (asserting [DONE] came).</summary>
    public static async Task<List<JsonNode>> StreamAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<JsonNode>();
        bool done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0) continue;
            Assert.StartsWith("data: ", line, StringComparison.Ordinal);
            string data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }
            Assert.False(done, "an event came after [DONE]");
            events.Add(JsonNode.Parse(data)!);
        }
        Assert.True(done, "the stream did not end with [DONE]");
        return events;
    }

    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    public static int Int(this JsonNode? node) => node!.GetValue<int>();

    public static JsonElement Element(this JsonNode node) => JsonSerializer.SerializeToElement(node);
}
