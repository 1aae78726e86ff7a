using System.Text.RegularExpressions;
using InferenceServer.TestSupport;

namespace InferenceServer.Cli.Tests;

public sealed partial class GenerateCommandTests
{
    [GeneratedRegex(@"decode: (\d+(\.\d+)?) tokens/s")]
    private static partial Regex DecodeLine();

    [Fact]
    public void Generate_streams_a_story_and_reports_speed()
    {
        var (code, stdout, stderr) = CliRunner.Run("generate", "--model", "models/tinystories-656k/1.json",
            "--prompt", "Once upon a time", "--max-tokens", "40", "--temperature", "0", "--threads", "2");
        Assert.Equal(0, code);
        Assert.StartsWith("Once upon a time", stdout, StringComparison.Ordinal);
        Assert.True(stdout.Split(' ').Length > 15, stdout);
        Assert.Matches(DecodeLine(), stderr);
        Assert.Contains("prefill: 6 tokens", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Greedy_output_is_the_same_from_the_manifest_and_the_Q8_0_gguf_start()
    {
        var a = CliRunner.Run("generate", "-m", "models/tinystories-656k/1.json", "-p", "Once upon a time", "-n", "5", "--temperature", "0");
        var b = CliRunner.Run("generate", "-m", SharedModels.TinyStoriesQ8Gguf, "-p", "Once upon a time", "-n", "5", "--temperature", "0");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(0, b.ExitCode);
        Assert.Equal(a.Stdout[..20], b.Stdout[..20]);
    }

    [Fact]
    public void A_missing_model_fails_with_its_path_and_exit_code_1()
    {
        var (code, _, stderr) = CliRunner.Run("generate", "--model", "no/such/model", "--prompt", "hi");
        Assert.Equal(1, code);
        Assert.StartsWith("error:", stderr, StringComparison.Ordinal);
        Assert.Contains("no/such/model", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_sampling_flags_are_rejected_before_loading()
    {
        var (code, _, stderr) = CliRunner.Run("generate", "--model", "models/tinystories-656k/1.json", "--prompt", "hi", "--top-p", "1.5");
        Assert.Equal(1, code);
        Assert.Contains("top_p", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_options_are_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("generate", "--prompt", "hi");
        Assert.NotEqual(0, code);
        Assert.Contains("--model", stderr, StringComparison.Ordinal);
    }
}
