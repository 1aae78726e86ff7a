using InferenceServer.Models.Loading;
using InferenceServer.TestSupport;

namespace InferenceServer.Cli.Tests;

public sealed class MakeRandomModelCommandTests
{
    [Fact]
    public void Writes_a_gguf_Q8_0_model_that_the_real_loader_and_generate_accept()
    {
        using var dir = new TempDirectory();
        var (code, stdout, stderr) = CliRunner.Run("make-random-model", "--shape", "smollm2-135m", "--dtype", "q8_0", "--format", "gguf", "-o", dir.Path);
        Assert.True(code == 0, stderr);
        Assert.Contains("smollm2-135m", stdout, StringComparison.Ordinal);
        using (var model = ModelLoader.Load(dir.File("model.gguf")))
        {
            Assert.Equal(576, model.Config.HiddenSize);
            Assert.Equal(30, model.Config.NumLayers);
            Assert.True(model.Weights.TryGet("model.layers.29.mlp.down_proj.weight", out var down));
            Assert.Equal(Core.Tensors.TensorDType.Q8_0, down.DType);
        }
        // The stand-in Qwen3 tokenizer is in the file, cut to the embedding's 49,152 rows, as llama.cpp needs it.
        using (var gguf = Models.Gguf.GgufFile.Open(dir.File("model.gguf")))
            Assert.Equal(49152, gguf.GetArray<string>("tokenizer.ggml.tokens").Length);
        var gen = CliRunner.Run("generate", "-m", dir.File("model.gguf"), "-p", "Hello", "-n", "4", "--ignore-eos", "--temperature", "0");
        Assert.True(gen.ExitCode == 0, gen.Stderr);
        Assert.Contains("(4 tokens in", gen.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_shape_lists_the_known_ones()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = CliRunner.Run("make-random-model", "--shape", "gpt-9", "-o", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("gpt-9", stderr, StringComparison.Ordinal);
        Assert.Contains("stories110m", stderr, StringComparison.Ordinal);
    }
}
