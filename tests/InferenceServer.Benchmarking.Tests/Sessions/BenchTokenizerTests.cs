using InferenceServer.Benchmarking.Sessions;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Tests.Sessions;

/// <summary>--tokenizer accepts what --start-server and the server accept: a manifest, a folder or a .gguf.</summary>
public sealed class BenchTokenizerTests
{
    private const string Text = "Once upon a time there was a cat.";

    [Fact]
    public void A_manifest_loads_the_tokenizer_of_the_model_it_names()
    {
        using var dir = new TempDirectory();
        string manifest = dir.File("1.json");
        File.WriteAllText(manifest, $$"""{"name": "tiny", "version": "1", "path": "{{SharedModels.TinyStories}}"}""");
        var expected = TokenizerLoader.Load(SharedModels.TinyStories).Encode(Text);
        Assert.Equal(expected, BenchTokenizer.Load(manifest).Encode(Text));
        Assert.Equal(expected, BenchTokenizer.Load(Path.Combine(SharedModels.TinyStories, "tokenizer.json")).Encode(Text));
    }

    [Fact]
    public void A_gguf_with_its_own_vocabulary_uses_it() =>
        Assert.Equal(TokenizerLoader.Load(SharedModels.TinyStoriesQ8Gguf).Encode(Text), BenchTokenizer.Load(SharedModels.TinyStoriesQ8Gguf).Encode(Text));
}
