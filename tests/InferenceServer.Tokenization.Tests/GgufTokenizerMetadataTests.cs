using InferenceServer.Core.Tensors;
using InferenceServer.Models.Conversion;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization.Loading;
using InferenceServer.Tokenization.PreTokenization;
using InferenceServer.Tokenization.Writing;

namespace InferenceServer.Tokenization.Tests;

/// <summary>Tokenizers written into GGUF files by <see cref="GgufTokenizerMetadata"/> and read back from them.</summary>
public class GgufTokenizerMetadataTests
{
    private static TextTokenizer WriteAndLoad(TempDirectory dir, IReadOnlyDictionary<string, object> metadata)
    {
        string path = dir.File("vocab.gguf");
        var writer = new GgufWriter();
        foreach (var (key, value) in metadata) writer.AddMetadata(key, value);
        writer.Write(path);
        return TokenizerLoader.Load(path);
    }

    private static void AssertEveryReferenceCase(string folder, ITextTokenizer tokenizer)
    {
        var cases = ReferenceCases.Load(folder);
        Assert.Equal(46, cases.Count);
        foreach (var (input, expected) in cases)
        {
            Assert.Equal(expected, tokenizer.Encode(input, addSpecialTokens: false));
            Assert.Equal(input, tokenizer.Decode(expected));
        }
    }

    private static void AssertSameSettings(ITextTokenizer expected, ITextTokenizer actual)
    {
        Assert.Equal(expected.VocabSize, actual.VocabSize);
        Assert.Equal(expected.BosTokenId, actual.BosTokenId);
        Assert.Equal(expected.EosTokenIds, actual.EosTokenIds);
        Assert.Equal(expected.AddBosToken, actual.AddBosToken);
        Assert.Equal(expected.AddEosToken, actual.AddEosToken);
        Assert.Equal(expected.StripsLeadingSpace, actual.StripsLeadingSpace);
        for (int id = 0; id < expected.VocabSize; id++)
            Assert.True(expected.IsSpecial(id) == actual.IsSpecial(id), $"id {id}: special {expected.IsSpecial(id)} vs {actual.IsSpecial(id)}");
    }

    [Fact]
    public void Qwen3_tokenizer_json_becomes_a_gpt2_qwen2_vocabulary()
    {
        var json = SharedTokenizers.Qwen3;
        var metadata = GgufTokenizerMetadata.From(json.Definition);
        Assert.Equal("gpt2", metadata[GgufTokenizerReader.ModelKey]);
        Assert.Equal("qwen2", metadata[GgufTokenizerReader.PreKey]);
        Assert.Equal(json.Definition.Merges.Count, ((string[])metadata[GgufTokenizerReader.MergesKey]).Length);
        Assert.False(metadata.ContainsKey(GgufTokenizerReader.ScoresKey));
        Assert.False(metadata.ContainsKey(GgufTokenizerReader.BosIdKey)); // Qwen3 has no BOS token
        Assert.Equal(json.Definition.PaddingTokenId, (int)(uint)metadata[GgufTokenizerReader.PaddingIdKey]);
        var types = (int[])metadata[GgufTokenizerReader.TokenTypeKey];
        foreach (var t in json.AddedTokens)
            Assert.Equal(t.Special ? (int)TokenType.Control : (int)TokenType.UserDefined, types[t.Id]);

        using var dir = new TempDirectory();
        var gguf = WriteAndLoad(dir, metadata);
        AssertSameSettings(json, gguf);
        Assert.Equal(json.Definition.PaddingTokenId, gguf.Definition.PaddingTokenId);
        AssertEveryReferenceCase(SharedTokenizers.Qwen3Folder, gguf);
        foreach (string text in TextSamples.Generate(300, seed: 11).Append("<|im_start|>user\nhi<|im_end|>\n<think>"))
            Assert.Equal(json.Encode(text), gguf.Encode(text));
    }

    [Fact]
    public void Llama2_tokenizer_model_becomes_a_llama_vocabulary_with_its_scores()
    {
        var sp = SharedTokenizers.Llama2;
        var metadata = GgufTokenizerMetadata.From(sp.Definition);
        Assert.Equal("llama", metadata[GgufTokenizerReader.ModelKey]);
        var model = SentencePieceModelReader.Parse(File.ReadAllBytes(SharedTokenizers.Llama2ModelPath), SharedTokenizers.Llama2ModelPath);
        Assert.Equal(model.Pieces.Select(p => p.Score), (float[])metadata[GgufTokenizerReader.ScoresKey]);
        Assert.Equal(model.Pieces.Select(p => (int)p.Type), (int[])metadata[GgufTokenizerReader.TokenTypeKey]);
        Assert.Equal(model.Pieces.Select(p => p.Piece), (string[])metadata[GgufTokenizerReader.TokensKey]);
        // The scores carry the merge order, as llama.cpp expects; no merges list is needed.
        Assert.False(metadata.ContainsKey(GgufTokenizerReader.MergesKey));
        Assert.Equal(true, metadata[GgufTokenizerReader.AddSpacePrefixKey]);

        using var dir = new TempDirectory();
        var gguf = WriteAndLoad(dir, metadata);
        AssertSameSettings(sp, gguf);
        AssertEveryReferenceCase(SharedTokenizers.Llama2Folder, gguf);
        foreach (string text in TextSamples.Generate(300, seed: 12).Append("<s>text</s> more"))
            Assert.Equal(sp.Encode(text), gguf.Encode(text));
    }

    [Fact]
    public void TinyStories_tokenizer_json_keeps_its_merge_order_in_a_llama_vocabulary()
    {
        var json = SharedTokenizers.TinyStories;
        var metadata = GgufTokenizerMetadata.From(json.Definition);
        Assert.Equal("llama", metadata[GgufTokenizerReader.ModelKey]);
        Assert.Equal(json.Definition.Merges.Count, ((string[])metadata[GgufTokenizerReader.MergesKey]).Length);
        // Pieces a merge makes rank by that merge, for llama.cpp, which merges by score.
        var scores = (float[])metadata[GgufTokenizerReader.ScoresKey];
        var (left, right) = json.Definition.Merges[0];
        Assert.Equal(0f, scores[json.TokenToId(left + right)!.Value]);
        Assert.Equal(GgufTokenizerMetadata.UnmergedScore, scores[json.TokenToId("e")!.Value]);

        using var dir = new TempDirectory();
        var gguf = WriteAndLoad(dir, metadata);
        Assert.Equal(json.BosTokenId, gguf.BosTokenId);
        Assert.Equal(json.EosTokenIds, gguf.EosTokenIds);
        Assert.Equal(json.AddBosToken, gguf.AddBosToken);
        // Added-token text aside (GGUF matches it raw, tokenizer.json after normalizing), encodings agree.
        foreach (string text in TextSamples.Generate(500, seed: 13).Prepend("Once upon a time"))
        {
            Assert.Equal(json.Encode(text), gguf.Encode(text));
            Assert.Equal(json.Decode(json.Encode(text)), gguf.Decode(gguf.Encode(text)));
        }
    }

    [Fact]
    public void Metadata_goes_into_a_model_gguf_through_the_converter()
    {
        var json = SharedTokenizers.TinyStories;
        using var dir = new TempDirectory();
        string path = dir.File("tinystories-f32.gguf");
        using (var hf = ModelLoader.Load(SharedModels.TinyStories))
            GgufConverter.FromHuggingFace(hf, path, TensorDType.F32, GgufTokenizerMetadata.From(json.Definition));

        using (var file = GgufFile.Open(path))
            Assert.Equal("llama", file.Metadata[GgufTokenizerReader.ModelKey]);
        using (var model = ModelLoader.Load(path))
            Assert.Equal(json.VocabSize, model.Config.VocabSize);
        var gguf = TokenizerLoader.Load(path);
        Assert.Equal(json.Encode("Once upon a time"), gguf.Encode("Once upon a time"));
    }

    [Fact]
    public void The_pre_tokenizer_name_follows_the_split_and_its_settings()
    {
        var qwen = SharedTokenizers.Qwen3.Definition;
        var llama3Like = qwen with { PreTokenizer = new RegexSplitPreTokenizer(PreTokenizerPatterns.Llama3), Normalizer = null, IgnoreMerges = true };
        Assert.Equal("llama3", GgufTokenizerMetadata.From(llama3Like)[GgufTokenizerReader.PreKey]);
        // The same split without ignore_merges is the one llama.cpp calls dbrx.
        Assert.Equal("dbrx", GgufTokenizerMetadata.From(llama3Like with { IgnoreMerges = false })[GgufTokenizerReader.PreKey]);
        var gpt2Like = qwen with { PreTokenizer = new SequencePreTokenizer([new RegexSplitPreTokenizer(PreTokenizerPatterns.Gpt2)]), Normalizer = null };
        Assert.Equal("gpt-2", GgufTokenizerMetadata.From(gpt2Like)[GgufTokenizerReader.PreKey]);
        Assert.Equal("deepseek-v3", GgufTokenizerMetadata.From(gpt2Like, pre: "deepseek-v3")[GgufTokenizerReader.PreKey]);
    }

    [Fact]
    public void A_split_with_no_gguf_name_is_refused_unless_one_is_given()
    {
        var odd = SharedTokenizers.Qwen3.Definition with { PreTokenizer = new RegexSplitPreTokenizer(@"\w+") };
        var e = Assert.Throws<ArgumentException>(() => GgufTokenizerMetadata.From(odd));
        Assert.Contains(SharedTokenizers.Qwen3JsonPath, e.Message, StringComparison.Ordinal);
        Assert.Contains("name one", e.Message, StringComparison.Ordinal);

        var prefixed = SharedTokenizers.Qwen3.Definition with { PreTokenizer = PrefixSpacePreTokenizer.Instance };
        Assert.Contains("PrefixSpacePreTokenizer", Assert.Throws<ArgumentException>(() => GgufTokenizerMetadata.From(prefixed)).Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => GgufTokenizerMetadata.From(odd, pre: "no-such-pre"));
        Assert.Contains("'no-such-pre'", e.Message, StringComparison.Ordinal);
        Assert.Equal("gpt-2", GgufTokenizerMetadata.From(odd, pre: "gpt-2")[GgufTokenizerReader.PreKey]);
    }
}
