using System.Text.Json;
using InferenceServer.TestSupport;

namespace InferenceServer.Cli.Tests;

public sealed class BenchCommandTests
{
    private static string Manifest => Path.Combine(SharedModels.RepositoryRoot, "models", "tinystories-656k", "1.json");

    [Fact]
    public void Bench_serve_starts_our_server_measures_every_request_and_compare_reads_the_result()
    {
        using var dir = new TempDirectory();
        string json = dir.File("run.json");
        var (code, stdout, stderr) = CliRunner.Run("bench", "serve", "--start-server", Manifest, "--num-prompts", "6", "--max-concurrency", "2",
            "--input-len", "16", "--output-len", "8", "--warmup", "1", "--seed", "3", "--result-json", json, "--plot-dir", dir.File("plots"));
        Assert.True(code == 0, stderr + stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var text = doc.RootElement.GetRawText();
            // Six requests measured, none failed, and 8 output tokens each as the server's usage reported them.
            Assert.Contains("\"completed\":6", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("\"failed\":0", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        Assert.NotEmpty(Directory.GetFiles(dir.File("plots"), "*.png"));

        (code, stdout, stderr) = CliRunner.Run("bench", "compare", json, json);
        Assert.True(code == 0, stderr);
        Assert.Contains("1.00", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_flags_exit_1_with_a_message()
    {
        var (code, _, stderr) = CliRunner.Run("bench", "serve", "--model", "m", "--dataset", "nope", "--base-url", "http://127.0.0.1:9", "--num-prompts", "1", "--tokenizer", SharedModels.TinyStories);
        Assert.Equal(1, code);
        Assert.Contains("nope", stderr, StringComparison.Ordinal);
        (code, _, stderr) = CliRunner.Run("bench", "compare", "/nonexistent/a.json", "/nonexistent/b.json");
        Assert.Equal(1, code);
        Assert.Contains("a.json", stderr, StringComparison.Ordinal);
    }
}
