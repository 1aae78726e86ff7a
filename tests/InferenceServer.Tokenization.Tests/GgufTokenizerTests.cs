using InferenceServer.Core.Errors;
using InferenceServer.Models.Gguf;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization.Loading;

namespace InferenceServer.Tokenization.Tests;

public class GgufTokenizerTests
{
    [Fact]
    public void TinyStories_gguf_reads_its_settings()
    {
        var gguf = SharedTokenizers.TinyStoriesGguf;
        Assert.Equal(2048, gguf.VocabSize);
        Assert.Equal(1, gguf.BosTokenId);
        Assert.Equal([2], gguf.EosTokenIds);
        Assert.True(gguf.AddBosToken);
        Assert.Equal([1, 80, 147, 201, 282, 57], gguf.Encode("Once upon a time"));
        Assert.Equal([1], gguf.Encode(""));
        Assert.Equal("Once upon a time", gguf.Decode(gguf.Encode("Once upon a time")));
    }

    [Fact]
    public void TinyStories_gguf_vocab_encodes_like_its_tokenizer_json()
    {
        // The GGUF has no merges and every score is -1000: merges are derived with ties in piece order.
        var json = SharedTokenizers.TinyStories;
        var gguf = SharedTokenizers.TinyStoriesGguf;
        var texts = TextSamples.Generate(3000, seed: 1)
            .Concat(HuggingFaceExpectations.For("tinystories").Encodings.Select(e => e.Text))
            .Concat(ReferenceCases.Load(SharedTokenizers.Llama2Folder).Select(c => c.Input))
            .Where(t => !ContainsAddedToken(json, t));
        AssertSameEncodings(json, gguf, texts, minimum: 3000);
    }

    [Fact]
    public void TinyStories_gguf_vocab_encodes_like_its_tokenizer_json_on_vocabulary_soup()
    {
        // Concatenated vocabulary tokens reach merge orders that ordinary text rarely does.
        var json = SharedTokenizers.TinyStories;
        var random = new Random(7);
        var texts = Enumerable.Range(0, 3000).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 12))
            .Select(_ => json.IdToToken(random.Next(3, json.VocabSize))!.Replace('▁', ' '))));
        AssertSameEncodings(json, SharedTokenizers.TinyStoriesGguf, texts.Where(t => !ContainsAddedToken(json, t)), minimum: 2000);
    }

    [Fact]
    public void TinyStories_gguf_decodes_like_its_tokenizer_json()
    {
        var json = SharedTokenizers.TinyStories;
        var gguf = SharedTokenizers.TinyStoriesGguf;
        var random = new Random(3);
        for (int i = 0; i < 500; i++)
        {
            int[] ids = [.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.Next(0, json.VocabSize))];
            Assert.Equal(json.Decode(ids), gguf.Decode(ids));
        }
    }

    [Fact]
    public void Qwen3_vocab_written_as_gpt2_gguf_encodes_like_tokenizer_json()
    {
        var json = SharedTokenizers.Qwen3;
        var definition = json.Definition;
        var special = json.AddedTokens.ToDictionary(t => t.Id, t => t.Special);
        using var dir = new TempDirectory();
        string path = dir.File("qwen3-vocab.gguf");
        var writer = new GgufWriter();
        writer.AddMetadata("general.architecture", "qwen3");
        writer.AddMetadata(GgufTokenizerReader.ModelKey, "gpt2");
        writer.AddMetadata(GgufTokenizerReader.PreKey, "qwen2");
        writer.AddMetadata(GgufTokenizerReader.TokensKey, definition.Tokens.Select(t => t!).ToArray());
        writer.AddMetadata(GgufTokenizerReader.TokenTypeKey, Enumerable.Range(0, json.VocabSize)
            .Select(id => special.TryGetValue(id, out bool s) ? (s ? 3 : 4) : 1).ToArray());
        writer.AddMetadata(GgufTokenizerReader.MergesKey, definition.Merges.Select(m => m.Left + " " + m.Right).ToArray());
        writer.AddMetadata("tokenizer.ggml.eos_token_id", 151645u);
        writer.AddMetadata("tokenizer.ggml.padding_token_id", 151643u);
        writer.AddMetadata("tokenizer.ggml.add_bos_token", false);
        writer.Write(path);

        var gguf = TokenizerLoader.Load(path);
        Assert.Equal(json.VocabSize, gguf.VocabSize);
        Assert.Null(gguf.BosTokenId);
        Assert.Equal([151645], gguf.EosTokenIds);
        Assert.True(gguf.IsSpecial(151644));
        Assert.False(gguf.IsSpecial(151667)); // <think> is an added token but not special
        var texts = HuggingFaceExpectations.For("qwen3").Encodings.Select(e => e.Text)
            .Concat(ReferenceCases.Load(SharedTokenizers.Qwen3Folder).Select(c => c.Input))
            .Concat(TextSamples.Generate(1000, seed: 5));
        AssertSameEncodings(json, gguf, texts, minimum: 1400);
        foreach (var d in HuggingFaceExpectations.For("qwen3").Decodings)
        {
            Assert.Equal(d.Keep, gguf.Decode(d.Ids, skipSpecialTokens: false));
            Assert.Equal(json.Decode(d.Ids), gguf.Decode(d.Ids));
        }
    }

    [Fact]
    public void Llama2_vocab_written_as_llama_gguf_matches_the_reference_cases()
    {
        // Real scores and <0xXX> byte tokens, unlike the TinyStories GGUF.
        var model = SentencePieceModelReader.Parse(File.ReadAllBytes(SharedTokenizers.Llama2ModelPath), SharedTokenizers.Llama2ModelPath);
        using var dir = new TempDirectory();
        string path = dir.File("llama2-vocab.gguf");
        var writer = new GgufWriter();
        writer.AddMetadata(GgufTokenizerReader.ModelKey, "llama");
        writer.AddMetadata(GgufTokenizerReader.TokensKey, model.Pieces.Select(p => p.Piece).ToArray());
        writer.AddMetadata(GgufTokenizerReader.ScoresKey, model.Pieces.Select(p => p.Score).ToArray());
        writer.AddMetadata(GgufTokenizerReader.TokenTypeKey, model.Pieces.Select(p => (int)p.Type).ToArray());
        writer.AddMetadata("tokenizer.ggml.bos_token_id", 1u);
        writer.AddMetadata("tokenizer.ggml.eos_token_id", 2u);
        writer.AddMetadata("tokenizer.ggml.unknown_token_id", 0u);
        writer.Write(path);

        var gguf = TokenizerLoader.Load(path);
        Assert.True(gguf.AddBosToken);
        foreach (var (input, expected) in ReferenceCases.Load(SharedTokenizers.Llama2Folder))
            Assert.Equal(expected, gguf.Encode(input, addSpecialTokens: false));
        AssertSameEncodings(SharedTokenizers.Llama2, gguf, TextSamples.Generate(1000, seed: 9), minimum: 1000);
    }

    [Fact]
    public void Metadata_problems_name_the_file_and_key()
    {
        var metadata = new Dictionary<string, object> { [GgufTokenizerReader.ModelKey] = "llama" };
        var e = Assert.Throws<ModelLoadException>(() => GgufTokenizerReader.Read(metadata, "/models/x.gguf"));
        Assert.Equal("/models/x.gguf", e.FilePath);
        Assert.Contains(GgufTokenizerReader.TokensKey, e.Message, StringComparison.Ordinal);

        metadata[GgufTokenizerReader.TokensKey] = new[] { "a", "b" };
        e = Assert.Throws<ModelLoadException>(() => GgufTokenizerReader.Read(metadata, "/models/x.gguf"));
        Assert.Contains(GgufTokenizerReader.ScoresKey, e.Message, StringComparison.Ordinal);

        metadata[GgufTokenizerReader.ModelKey] = "bert";
        e = Assert.Throws<ModelLoadException>(() => GgufTokenizerReader.Read(metadata, "/models/x.gguf"));
        Assert.Contains("'bert' is not supported", e.Message, StringComparison.Ordinal);

        metadata[GgufTokenizerReader.ModelKey] = "gpt2";
        metadata[GgufTokenizerReader.MergesKey] = new[] { "a b" };
        metadata[GgufTokenizerReader.PreKey] = "no-such-pre";
        e = Assert.Throws<ModelLoadException>(() => GgufTokenizerReader.Read(metadata, "/models/x.gguf"));
        Assert.Contains("'no-such-pre'", e.Message, StringComparison.Ordinal);

        metadata[GgufTokenizerReader.PreKey] = "gpt2";
        metadata[GgufTokenizerReader.MergesKey] = new[] { "ab" };
        e = Assert.Throws<ModelLoadException>(() => GgufTokenizerReader.Read(metadata, "/models/x.gguf"));
        Assert.Contains("\"ab\"", e.Message, StringComparison.Ordinal);

        metadata[GgufTokenizerReader.MergesKey] = new[] { "a b" };
        metadata["tokenizer.ggml.eos_token_id"] = 7u;
        e = Assert.Throws<ModelLoadException>(() => GgufTokenizerReader.Read(metadata, "/models/x.gguf"));
        Assert.Contains("outside the 2-token vocabulary", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gguf_tokenizer_is_built_from_a_metadata_dictionary()
    {
        using var file = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf);
        var tokenizer = TokenizerLoader.FromGgufMetadata(file.Metadata, file.SourcePath);
        Assert.Equal([1, 80, 147, 201, 282, 57], tokenizer.Encode("Once upon a time"));
    }

    private static bool ContainsAddedToken(ITextTokenizer tokenizer, string text) =>
        // Special-token text is matched differently on purpose: tokenizer.json marks TinyStories' tokens "normalized"
        // (matched as "▁<|end_story|>" after a space), while GGUF records no such flag and matches raw text.
        tokenizer.AddedTokens.Any(t => text.Contains(t.Content, StringComparison.Ordinal));

    private static void AssertSameEncodings(ITextTokenizer expected, ITextTokenizer actual, IEnumerable<string> texts, int minimum)
    {
        int compared = 0;
        var mismatches = new List<string>();
        foreach (string text in texts)
        {
            compared++;
            var a = expected.Encode(text);
            var b = actual.Encode(text);
            if (!a.SequenceEqual(b))
                mismatches.Add($"{System.Text.Json.JsonSerializer.Serialize(text)}: expected {string.Join(",", a)} actual {string.Join(",", b)}");
        }
        Assert.True(compared >= minimum, $"only {compared} texts compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} differ, e.g.\n" + string.Join("\n", mismatches.Take(5)));
    }
}
