using InferenceServer.TestSupport;

namespace InferenceServer.Tokenization.Tests;

public class TokenizerLoaderTests
{
    private static readonly string[] Samples = ["Once upon a time, Lily saw a big dog.", "  spaces\nand lines ", ""];

    private static void AssertSameTokenizer(ITextTokenizer expected, ITextTokenizer actual)
    {
        Assert.Equal(expected.VocabSize, actual.VocabSize);
        Assert.Equal(expected.BosTokenId, actual.BosTokenId);
        Assert.Equal(expected.EosTokenIds, actual.EosTokenIds);
        foreach (string s in Samples) Assert.Equal(expected.Encode(s), actual.Encode(s));
    }

    [Fact]
    public void A_folder_prefers_tokenizer_json_then_tokenizer_model_then_its_gguf()
    {
        using var dir = new TempDirectory();
        File.Copy(SharedTokenizers.Llama2ModelPath, dir.File("tokenizer.model"));
        AssertSameTokenizer(SharedTokenizers.Llama2, TokenizerLoader.Load(dir.Path));

        File.Copy(Path.Combine(SharedModels.TinyStories, "tokenizer.json"), dir.File("tokenizer.json"));
        File.Copy(Path.Combine(SharedModels.TinyStories, "tokenizer_config.json"), dir.File("tokenizer_config.json"));
        AssertSameTokenizer(SharedTokenizers.TinyStories, TokenizerLoader.Load(dir.Path));

        using var ggufDir = new TempDirectory();
        File.Copy(SharedModels.TinyStoriesQ8Gguf, ggufDir.File("model.gguf"));
        AssertSameTokenizer(SharedTokenizers.TinyStoriesGguf, TokenizerLoader.Load(ggufDir.Path));
    }

    [Fact]
    public void Files_are_recognised_by_content_not_name()
    {
        using var dir = new TempDirectory();
        File.Copy(SharedModels.TinyStoriesQ8Gguf, dir.File("weights.bin"));
        AssertSameTokenizer(SharedTokenizers.TinyStoriesGguf, TokenizerLoader.Load(dir.File("weights.bin")));
        File.Copy(SharedTokenizers.Llama2ModelPath, dir.File("spm.bin"));
        AssertSameTokenizer(SharedTokenizers.Llama2, TokenizerLoader.Load(dir.File("spm.bin")));
    }

    [Fact]
    public void Config_files_beside_the_tokenizer_set_bos_and_eos()
    {
        using var dir = new TempDirectory();
        File.Copy(SharedTokenizers.Llama2ModelPath, dir.File("tokenizer.model"));
        File.WriteAllText(dir.File("tokenizer_config.json"), """{ "add_bos_token": false, "add_eos_token": true, "eos_token": { "content": "</s>" } }""");
        File.WriteAllText(dir.File("generation_config.json"), """{ "eos_token_id": [2, 13] }""");
        File.WriteAllText(dir.File("config.json"), """{ "eos_token_id": 29871 }""");
        var tokenizer = TokenizerLoader.Load(dir.Path);
        Assert.False(tokenizer.AddBosToken);
        Assert.True(tokenizer.AddEosToken);
        Assert.Equal([2, 13, 29871], tokenizer.EosTokenIds);
        Assert.Equal([15043, 2], tokenizer.Encode("Hello"));
    }

    [Fact]
    public void Every_fixture_loads_through_the_one_entry_point()
    {
        Assert.Equal(2048, TokenizerLoader.Load(SharedModels.TinyStories).VocabSize);
        Assert.Equal(2048, TokenizerLoader.Load(SharedModels.TinyStoriesQ8Gguf).VocabSize);
        Assert.Equal(32000, TokenizerLoader.Load(SharedTokenizers.Llama2Folder).VocabSize);
        Assert.Equal(151669, SharedTokenizers.Qwen3.VocabSize);
    }
}
