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
                     "--kv-cache-memory", "--block-size", "--threads", "--api-key", "--max-waiting", "--served-model-name", "--config",
                     "--enable-lora", "--max-lora-rank", "--max-loras", "--max-cpu-loras", "--lora-dtype", "--lora-modules", "--lora-dirs", "--models-dir" })
            Assert.Contains(flag, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_is_an_error_line_and_exit_code_1()
    {
        var (code, _, stderr) = CliRunner.Run("serve", "--model", "models/no-such-model/1.json", "--port", "0", "--grpc-port", "0");
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--kv-cache-memory", "9223372036854775807", "kv-cache-memory asks for 9223372036854775807 bytes")]
    [InlineData("--max-num-batched-tokens", "2147483647", "max-num-batched-tokens must be in")]
    [InlineData("--max-num-seqs", "2147483647", "max-num-seqs must be in")]
    [InlineData("--threads", "2147483647", "threads must be in")]
    [InlineData("--max-waiting", "2147483647", "max-waiting must be in")]
    [InlineData("--shutdown-grace", "1e308", "shutdown grace must be in")]
    [InlineData("--max-num-seqs", "0", "max-num-seqs must be in")]
    [InlineData("--kv-cache-memory", "-1", "kv-cache-memory must be > 0")]
    public void Settings_at_the_limits_of_their_types_are_an_error_line_not_a_crash(string flag, string value, string message)
    {
        // These used to end in OutOfMemoryException or OverflowException stack traces.
        var (code, _, stderr) = CliRunner.Run("serve", "--model", "models/tinystories-656k/1.json", "--port", "0", "--grpc-port", "-1", flag, value);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serves_requests_then_stops_on_sigterm_with_exit_code_0()
    {
        // Environment settings sit under the flags: this one must take effect, the port one must not.
        var environment = new Dictionary<string, string> { ["INFERENCE_SERVER_Server__MaxWaiting"] = "3", ["INFERENCE_SERVER_Server__Port"] = "1" };
        await ServeAsync(["--served-model-name", "stories"], environment, async http =>
        {
            var response = await http.PostAsJsonAsync("/v1/completions", new { model = "stories", prompt = "Once upon a time", max_tokens = 5 });
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("stories", body["model"]!.GetValue<string>());
            Assert.Equal(5, body["usage"]!["completion_tokens"]!.GetValue<int>());
        });
    }

    [Fact]
    public async Task Lora_flags_preload_adapters_and_allow_runtime_loads_from_the_given_directories()
    {
        using var dir = new TestSupport.TempDirectory();
        foreach (var name in new[] { "a", "b", "c" })
            Assert.Equal(0, CliRunner.Run("make-random-lora", "--model", "models/tinystories-656k/1.json", "--output", dir.File(name), "--rank", "4").ExitCode);
        await ServeAsync(["--enable-lora", "--max-lora-rank", "8", "--max-loras", "1", "--max-cpu-loras", "2", "--lora-modules", $"a={dir.File("a")}", $"b={dir.File("b")}",
            "--lora-dirs", dir.Path], new Dictionary<string, string>(), async http =>
        {
            var load = await http.PostAsJsonAsync("/v1/load_lora_adapter", new { lora_name = "c", lora_path = dir.File("c") });
            Assert.Equal(System.Net.HttpStatusCode.OK, load.StatusCode);
            var models = JsonNode.Parse(await http.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());
            Assert.Equal(["tinystories-656k", "a", "b", "c"], models);
            var response = await http.PostAsJsonAsync("/v1/completions", new { model = "a", prompt = "Once upon a time", max_tokens = 5 });
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        });
    }

    [Fact]
    public void A_bad_lora_module_stops_the_start_with_a_message_naming_it()
    {
        using var dir = new TestSupport.TempDirectory();
        Directory.CreateDirectory(dir.File("broken"));
        var (code, _, stderr) = CliRunner.Run("serve", "--model", "models/tinystories-656k/1.json", "--port", "0", "--grpc-port", "0", "--threads", "1",
            "--kv-cache-memory", "8388608", "--enable-lora", "--lora-modules", $"broken={dir.File("broken")}");
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("LoRA adapter 'broken'", stderr, StringComparison.Ordinal);
        Assert.Contains("adapter_config.json", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_dir_serves_the_repository_and_names_the_version()
    {
        await ServeAsync(["--models-dir", "models"], [], new Dictionary<string, string>(), async http =>
        {
            var models = JsonNode.Parse(await http.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());
            Assert.Equal(["tinystories-656k"], models);
            var response = await http.PostAsJsonAsync("/v1/completions", new { model = "tinystories-656k@1", prompt = "Once upon a time", max_tokens = 3 });
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1", Assert.Single(response.Headers.GetValues("x-model-version")));
        });
    }

    [Fact]
    public void Model_and_models_dir_together_are_an_error()
    {
        var (code, _, stderr) = CliRunner.Run("serve", "--model", "models/tinystories-656k/1.json", "--models-dir", "models", "--port", "0", "--grpc-port", "0");
        Assert.Equal(1, code);
        Assert.Contains("--models-dir", stderr, StringComparison.Ordinal);
    }

    private static Task ServeAsync(string[] flags, Dictionary<string, string> environment, Func<HttpClient, Task> use) =>
        ServeAsync(["--model", "models/tinystories-656k/1.json"], flags, environment, use);

    /// <summary>Starts `serve` on <paramref name="source"/> with free ports, runs <paramref name="use"/>, then stops it with SIGTERM (exit code 0).</summary>
    private static async Task ServeAsync(string[] source, string[] flags, Dictionary<string, string> environment, Func<HttpClient, Task> use)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestSupport.SharedModels.RepositoryRoot,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "inference-server.dll"));
        foreach (var a in new[] { "serve", "--port", "0", "--grpc-port", "0", "--threads", "1", "--kv-cache-memory", "8388608" }.Concat(source))
            psi.ArgumentList.Add(a);
        foreach (var a in flags) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        try
        {
            Match serving = Match.Empty;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!serving.Success && DateTime.UtcNow < deadline && await process.StandardOutput.ReadLineAsync() is { } line)
                serving = ServingLine().Match(line);
            if (!serving.Success) Assert.Fail("the server did not report its ports: " + await process.StandardError.ReadToEndAsync());
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serving.Groups[1].Value}/") };
            await use(http);
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
