using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using InferenceServer.Server.Grpc.V1;

namespace InferenceServer.Server.Tests;

/// <summary>
/// Bytes no gRPC client library would send, over raw HTTP/2: garbage, a truncated varint, invalid UTF-8 in a string
/// field, a frame longer than its body, a message over the size limit. Each is INVALID_ARGUMENT (or
/// RESOURCE_EXHAUSTED for the size) with a message, not UNKNOWN with a stack trace in the log per call, and the
/// server serves the next call.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcMalformedTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    public static TheoryData<string, string, int> Cases()
    {
        var valid = new GenerateRequest { Text = "Once", Sampling = new SamplingParameters { MaxTokens = 2 } }.ToByteArray();
        // Field 2 (text), length-delimited, 2 bytes: 0xC3 0x28 is not UTF-8.
        byte[] badUtf8 = [0x12, 0x02, 0xC3, 0x28];
        return new()
        {
            { "/inference.v1.Inference/Generate", Convert.ToHexString([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), 3 },
            { "/inference.v1.Inference/Generate", Convert.ToHexString([0x4A, 0x80]), 3 },
            { "/inference.v1.Inference/Generate", Convert.ToHexString(badUtf8), 3 },
            { "/inference.v1.Inference/Tokenize", Convert.ToHexString(badUtf8), 3 },
            { "/inference.v1.Inference/Generate", Convert.ToHexString(valid[..^1]), 3 },
            { "/inference.admin.v1.Admin/Promote", Convert.ToHexString([0x0A, 0x05, 0x61]), 3 },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Malformed_messages_are_invalid_argument_and_the_server_goes_on(string method, string payloadHex, int status)
    {
        var (grpcStatus, message) = await CallAsync(method, Frame(Convert.FromHexString(payloadHex)));
        Assert.Equal(status, grpcStatus);
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("Exception was thrown by handler", message, StringComparison.Ordinal);

        var ok = new GenerateRequest { Text = "Once", Sampling = new SamplingParameters { MaxTokens = 2, Temperature = 0 } }.ToByteArray();
        var (okStatus, _) = await CallAsync("/inference.v1.Inference/Generate", Frame(ok));
        Assert.Equal(0, okStatus);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_resource_exhausted()
    {
        var big = new GenerateRequest { Text = new string('a', (int)Server.Options.MaxRequestBodyBytes + 10) }.ToByteArray();
        var (status, message) = await CallAsync("/inference.v1.Inference/Generate", Frame(big));
        Assert.Equal(8, status);
        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Fact]
    public async Task A_frame_that_declares_more_bytes_than_it_carries_is_invalid_argument()
    {
        var frame = Frame([0x12, 0x01, 0x61]);
        frame[4] = 200; // declares 200 bytes, carries 3
        var (status, _) = await CallAsync("/inference.v1.Inference/Generate", frame);
        Assert.NotEqual(0, status);
        Assert.NotEqual(2, status); // UNKNOWN
    }

    private static byte[] Frame(byte[] message)
    {
        var frame = new byte[5 + message.Length];
        frame[1] = (byte)(message.Length >> 24);
        frame[2] = (byte)(message.Length >> 16);
        frame[3] = (byte)(message.Length >> 8);
        frame[4] = (byte)message.Length;
        message.CopyTo(frame, 5);
        return frame;
    }

    private async Task<(int Status, string Message)> CallAsync(string method, byte[] body)
    {
        using var client = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        // Cleartext HTTP/2 with prior knowledge, as gRPC clients speak to this port.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Server.GrpcAddress, method))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.ParseAdd("trailers");
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode} {response.Version}: {await response.Content.ReadAsStringAsync()} {response.Headers}");
        _ = await response.Content.ReadAsByteArrayAsync();
        string? Header(string name) => response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
            : response.Headers.TryGetValues(name, out var h) ? h.First() : null;
        int status = int.Parse(Header("grpc-status") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
        return (status, Uri.UnescapeDataString(Header("grpc-message") ?? ""));
    }
}
