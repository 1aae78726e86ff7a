using System.Text;
using InferenceServer.Benchmarking.Client;

namespace InferenceServer.Benchmarking.Tests.Client;

/// <summary>SSE framing: CRLF lines, comments, multi-line data, an unterminated last event.</summary>
public sealed class SseEventReaderTests
{
    [Fact]
    public async Task Reads_data_of_each_event_and_skips_comments_and_other_fields()
    {
        string text = ": keep-alive\n\nevent: x\r\ndata: one\r\n\r\ndata:two\ndata: lines\n\nid: 3\ndata: {\"a\":1}\n\ndata: cut off";
        var reader = new SseEventReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var data = new List<string>();
        while (await reader.ReadAsync() is { } e) data.Add(e.Data);
        Assert.Equal(["one", "two\nlines", "{\"a\":1}"], data);
    }

    [Fact]
    public async Task Events_larger_than_the_buffer_are_read_whole()
    {
        string big = new('x', 100_000);
        var reader = new SseEventReader(new MemoryStream(Encoding.UTF8.GetBytes($"data: {big}\n\ndata: next\n\n")));
        Assert.Equal(big, (await reader.ReadAsync())!.Value.Data);
        Assert.Equal("next", (await reader.ReadAsync())!.Value.Data);
        Assert.Null(await reader.ReadAsync());
    }
}
