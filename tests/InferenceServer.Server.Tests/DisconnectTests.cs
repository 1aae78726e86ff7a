using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace InferenceServer.Server.Tests;

/// <summary>A client that goes away mid-stream cancels its request; its KV blocks are free again, as the metrics show.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class DisconnectTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    [GeneratedRegex("^vllm:kv_cache_usage_perc\\{model_name=\"[^\"]+\"\\} (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex KvUsage();

    [GeneratedRegex("^vllm:request_success_total\\{model_name=\"[^\"]+\",finished_reason=\"abort\"\\} (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex Aborted();

    [GeneratedRegex("^vllm:num_requests_running\\{model_name=\"[^\"]+\"\\} (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex Running();

    internal static async Task<double> MetricAsync(HttpClient http, Regex metric)
    {
        var text = await http.GetStringAsync("/metrics");
        var m = metric.Match(text);
        Assert.True(m.Success, "metric missing from /metrics");
        return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A client with a small socket receive buffer that stops reading: the tiny model generates far faster than
    /// anyone reads, so only backpressure (full socket, full response pipe, full engine channel) keeps the
    /// request from finishing before the client leaves. Each chunk carries 20 top logprobs (~1 KB), so the
    /// whole answer is several times what the buffers hold.
    /// </summary>
    private static HttpClient SlowReader(Uri baseAddress) => new(new SocketsHttpHandler
    {
        // No draining of the unread answer on dispose (to reuse the connection): the client really leaves.
        MaxResponseDrainSize = 0,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 8192 };
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = baseAddress };

    [Fact]
    public async Task Disconnecting_mid_stream_aborts_the_request_and_frees_its_blocks()
    {
        double abortedBefore = await MetricAsync(Server.Http, Aborted());
        var client = SlowReader(Server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                messages = new[] { new { role = "user", content = "Tell me a story." } },
                temperature = 0, ignore_eos = true, stream = true, logprobs = true, top_logprobs = 20,
            }),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        // The engine reports its blocks after its next step.
        var start = DateTime.UtcNow;
        while (await MetricAsync(Server.Http, KvUsage()) == 0)
        {
            Assert.True(DateTime.UtcNow < start.AddSeconds(10), "the running request never held KV blocks: "
                + string.Join(" | ", (await Server.Http.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("vllm:", StringComparison.Ordinal) && !l.Contains("bucket", StringComparison.Ordinal))));
            await Task.Delay(5);
        }

        // The client goes away: the connection closes under the server's stream.
        response.Dispose();
        client.Dispose();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        // The handler records the abort as it unwinds, which may be just after the engine freed the blocks.
        while (await MetricAsync(Server.Http, KvUsage()) > 0 || await MetricAsync(Server.Http, Running()) > 0
               || await MetricAsync(Server.Http, Aborted()) == abortedBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, "the request was not aborted, or its KV blocks not freed, after the client left: "
                + string.Join(" | ", (await Server.Http.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("vllm:", StringComparison.Ordinal) && !l.Contains("bucket", StringComparison.Ordinal))));
            await Task.Delay(10);
        }
        Assert.Equal(Server.Model.Engine.Stats.TotalBlocks, Server.Model.Engine.Stats.FreeBlocks);
        Assert.Equal(abortedBefore + 1, await MetricAsync(Server.Http, Aborted()));
        Assert.Equal(0, Server.Model.Engine.InFlight);
    }
}
