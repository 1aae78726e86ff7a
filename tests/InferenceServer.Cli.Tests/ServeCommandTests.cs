using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InferenceServer.Cli.Tests;

public sealed partial class ServeCommandTests
{
    [GeneratedRegex(@"on http://127\.0\.0\.1:(\d+) .* gRPC on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ServingLine();

    [Fact]
    public void Help_lists_the_server_flags()
    {
        var (code, stdout, _) = CliRunner.Run("serve", "--help");
        Assert.Equal(0, code);
        foreach (var flag in new[] { "--model", "--host", "--port", "--grpc-port", "--max-num-seqs", "--max-num-batched-tokens", "--max-model-len",
                     "--kv-cache-memory", "--block-size", "--threads", "--api-key", "--max-waiting", "--served-model-name", "--config" })
            Assert.Contains(flag, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_is_an_error_line_and_exit_code_1()
    {
        var (code, _, stderr) = CliRunner.Run("serve", "--model", "models/no-such-model/1.json", "--port", "0", "--grpc-port", "0");
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serves_requests_then_stops_on_sigterm_with_exit_code_0()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestSupport.SharedModels.RepositoryRoot,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "inference-server.dll"));
        foreach (var a in new[] { "serve", "--model", "models/tinystories-656k/1.json", "--port", "0", "--grpc-port", "0", "--threads", "1",
                     "--kv-cache-memory", "8388608", "--served-model-name", "stories" })
            psi.ArgumentList.Add(a);
        // Environment settings sit under the flags: this one must take effect, the port one must not.
        psi.Environment["INFERENCE_SERVER_Server__MaxWaiting"] = "3";
        psi.Environment["INFERENCE_SERVER_Server__Port"] = "1";
        using var process = Process.Start(psi)!;
        try
        {
            Match serving = Match.Empty;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!serving.Success && DateTime.UtcNow < deadline && await process.StandardOutput.ReadLineAsync() is { } line)
                serving = ServingLine().Match(line);
            Assert.True(serving.Success, "the server did not report its ports");
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serving.Groups[1].Value}/") };
            var response = await http.PostAsJsonAsync("/v1/completions", new { model = "stories", prompt = "Once upon a time", max_tokens = 5 });
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("stories", body["model"]!.GetValue<string>());
            Assert.Equal(5, body["usage"]!["completion_tokens"]!.GetValue<int>());
        }
        finally
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
        Assert.True(process.WaitForExit(30_000), "the server did not stop after SIGTERM");
        Assert.Equal(0, process.ExitCode);
    }
}
