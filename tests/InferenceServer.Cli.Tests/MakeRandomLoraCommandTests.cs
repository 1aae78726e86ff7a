using InferenceServer.Models.Adapters;
using InferenceServer.Models.Config;
using InferenceServer.TestSupport;

namespace InferenceServer.Cli.Tests;

public sealed class MakeRandomLoraCommandTests
{
    [Fact]
    public void Writes_an_adapter_the_loader_accepts_for_that_model()
    {
        using var dir = new TempDirectory();
        var (code, stdout, stderr) = CliRunner.Run("make-random-lora", "-m", SharedModels.TinyStories, "-o", dir.Path, "--rank", "4", "--target-modules", "q_proj", "v_proj");
        Assert.True(code == 0, stderr);
        Assert.Contains("rank-4", stdout, StringComparison.Ordinal);
        var adapter = LoraAdapterLoader.Load(dir.Path, "x", HfConfigReader.Read(SharedModels.TinyStories), maxRank: 16);
        Assert.Equal(4, adapter.Rank);
        Assert.Equal(2.0, adapter.Scaling, 6);
        Assert.NotNull(adapter.Weights(0, LoraTarget.QProj));
        Assert.Null(adapter.Weights(0, LoraTarget.KProj));
    }

    [Fact]
    public void Unknown_modules_and_ranks_out_of_range_exit_1_with_a_message()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = CliRunner.Run("make-random-lora", "-m", SharedModels.TinyStories, "-o", dir.Path, "--target-modules", "lm_head");
        Assert.Equal(1, code);
        Assert.Contains("unknown target module 'lm_head'", stderr, StringComparison.Ordinal);
        (code, _, stderr) = CliRunner.Run("make-random-lora", "-m", SharedModels.TinyStories, "-o", dir.Path, "--rank", "65");
        Assert.Equal(1, code);
        Assert.Contains("--rank must be in [1, 64]", stderr, StringComparison.Ordinal);
    }
}
