using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.Models.RandomModels;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization;
using InferenceServer.Tokenization.Writing;
using static InferenceServer.Tokenization.Loading.GgufTokenizerReader;

namespace InferenceServer.Models.Tests.RandomModels;

/// <summary>
/// Random-model GGUF files carry their shape's real tokenizer in llama.cpp's keys (so llama.cpp can load them), and our
/// own GGUF tokenizer reader gets the original tokenizer back from them.
/// </summary>
public class RandomModelGgufTokenizerTests
{
    // Small layers, real vocabulary sizes: the embedding must have as many rows as the token list.
    private static readonly ModelConfig Small = new()
    {
        Architecture = ModelArchitecture.Llama,
        HiddenSize = 64, IntermediateSize = 128, NumLayers = 1, NumHeads = 4, NumKvHeads = 2, HeadDim = 16,
        VocabSize = 32000, MaxPositionEmbeddings = 256, RmsNormEps = 1e-5, BosTokenId = 1, EosTokenIds = [2],
    };

    private static readonly ModelShape StoriesLike = new("stories-like", Small, TokenizerFiles.Llama2Spm);

    private static readonly ModelShape QwenLike = new("qwen-like", Small with
    {
        Architecture = ModelArchitecture.Qwen2, AttentionBias = true, TieWordEmbeddings = true,
        VocabSize = 151936, BosTokenId = 151643, EosTokenIds = [151645, 151643],
    }, TokenizerFiles.Qwen3);

    private static readonly string[] Texts =
    [
        "Once upon a time, there was a little girl named Lily.",
        "Hello world!  Two  spaces,\ta tab and a newline\n",
        " leading space, trailing space ",
        "naïve café, Straße, 東京, emoji 🚀, digits 1234567",
        "<|im_start|>user\nhi<|im_end|>\n<|endoftext|>",
        "<s>text</s> more",
        "",
    ];

    private static string Write(TempDirectory dir, ModelShape shape)
    {
        RandomModelWriter.WriteTokenizerFiles(shape, dir.Path, SharedModels.Tokenizers);
        var vocabulary = GgufTokenizerMetadata.From(TokenizerLoader.ReadDefinition(dir.Path), vocabularySize: shape.Config.VocabSize);
        string path = dir.File("model.gguf");
        RandomModelWriter.WriteGguf(shape, path, TensorDType.Q8_0, seed: 1, vocabulary);
        return path;
    }

    private static void AssertSameIds(ITextTokenizer original, ITextTokenizer fromGguf)
    {
        foreach (string text in Texts)
        {
            int[] ids = original.Encode(text);
            Assert.Equal(ids, fromGguf.Encode(text));
            Assert.Equal(original.Encode(text, addSpecialTokens: false), fromGguf.Encode(text, addSpecialTokens: false));
            Assert.Equal(original.Decode(ids), fromGguf.Decode(ids));
        }
    }

    [Fact]
    public void Llama2_shape_carries_the_sentencepiece_vocabulary_llama_cpp_expects()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, StoriesLike);

        using (var gguf = GgufFile.Open(path))
        {
            Assert.Equal("llama", gguf.Metadata[ModelKey]);
            Assert.Equal(32000, gguf.GetArray<string>(TokensKey).Length);
            Assert.Equal(32000, gguf.GetArray<float>(ScoresKey).Length);
            // unknown, control <s> and </s>, then the 256 byte pieces, then normal pieces
            int[] types = gguf.GetArray<int>(TokenTypeKey);
            Assert.Equal([2, 3, 3, 6], types[..4]);
            Assert.Equal(6, types[258]);
            Assert.Equal(1, types[259]);
            Assert.True(gguf.TryGetInt(UnknownIdKey, out int unk) && unk == 0);
            Assert.True(gguf.TryGetInt(BosIdKey, out int bos) && bos == 1);
            Assert.True(gguf.TryGetInt(EosIdKey, out int eos) && eos == 2);
            Assert.True(gguf.TryGetBool(AddBosKey, out bool addBos) && addBos);
        }
        var original = TokenizerLoader.Load(Path.Combine(SharedModels.Tokenizers, "llama2-spm", "tokenizer.model"));
        var fromGguf = TokenizerLoader.Load(path);
        Assert.Equal(original.VocabSize, fromGguf.VocabSize);
        AssertSameIds(original, fromGguf);

        using var model = ModelLoader.Load(path);
        Assert.Equal(StoriesLike.Config with { RmsNormEps = 0 }, model.Config with { RmsNormEps = 0, EosTokenIds = StoriesLike.Config.EosTokenIds });
        Assert.Equal([2], model.Config.EosTokenIds);
    }

    [Fact]
    public void Qwen_shape_carries_the_byte_level_vocabulary_padded_to_the_embedding_rows()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, QwenLike);
        var original = TokenizerLoader.Load(Path.Combine(SharedModels.Tokenizers, "qwen3"));

        using (var gguf = GgufFile.Open(path))
        {
            Assert.Equal("gpt2", gguf.Metadata[ModelKey]);
            Assert.Equal("qwen2", gguf.Metadata[PreKey]);
            string[] tokens = gguf.GetArray<string>(TokensKey);
            int[] types = gguf.GetArray<int>(TokenTypeKey);
            Assert.Equal(151936, tokens.Length);
            Assert.Equal(original.VocabSize, Array.IndexOf(tokens, $"[PAD{original.VocabSize}]"));
            Assert.Equal("[PAD151935]", tokens[^1]);
            Assert.All(types[original.VocabSize..], t => Assert.Equal((int)TokenType.Unused, t));
            Assert.Equal((int)TokenType.Control, types[original.TokenToId("<|im_start|>")!.Value]);
            Assert.Equal(original.Definition.Merges.Count, gguf.GetArray<string>(MergesKey).Length);
            Assert.False(gguf.Metadata.ContainsKey(ScoresKey));
            Assert.True(gguf.TryGetInt(BosIdKey, out int bos) && bos == 151643); // the shape's, kept: Qwen3's tokenizer has none
            Assert.True(gguf.TryGetInt(EosIdKey, out int eos) && eos == 151645);
            Assert.True(gguf.TryGetBool(AddBosKey, out bool addBos) && !addBos);
        }
        var fromGguf = TokenizerLoader.Load(path);
        Assert.Equal(151936, fromGguf.VocabSize);
        AssertSameIds(original, fromGguf);

        using var model = ModelLoader.Load(path);
        Assert.Equal(151936, model.Config.VocabSize);
        Assert.Equal(151645, model.Config.EosTokenIds[0]);
    }

    [Fact]
    public void A_stand_in_tokenizer_larger_than_the_embedding_is_cut_to_it()
    {
        using var dir = new TempDirectory();
        var small = QwenLike with { Config = QwenLike.Config with { VocabSize = 4096, BosTokenId = 1, EosTokenIds = [2] } };
        string path = Write(dir, small);

        using (var gguf = GgufFile.Open(path))
        {
            string[] tokens = gguf.GetArray<string>(TokensKey);
            Assert.Equal(4096, tokens.Length);
            var kept = tokens.ToHashSet(StringComparer.Ordinal);
            string[] merges = gguf.GetArray<string>(MergesKey);
            Assert.InRange(merges.Length, 1, 4096);
            Assert.All(merges, m => Assert.Contains(m.Replace(" ", "", StringComparison.Ordinal), kept));
            // Qwen3's own specials (151643...) are cut, so the shape's ids stand.
            Assert.False(gguf.Metadata.ContainsKey(PaddingIdKey));
            Assert.True(gguf.TryGetInt(EosIdKey, out int eos) && eos == 2);
        }
        var fromGguf = TokenizerLoader.Load(path);
        foreach (string text in Texts.Take(4))
        {
            int[] ids = fromGguf.Encode(text);
            Assert.All(ids, id => Assert.InRange(id, 0, 4095));
            Assert.Equal(text, fromGguf.Decode(ids));
        }
        using var model = ModelLoader.Load(path);
        Assert.Equal([2], model.Config.EosTokenIds);
    }

    [Fact]
    public void A_token_list_of_another_size_than_the_embedding_is_refused()
    {
        using var dir = new TempDirectory();
        RandomModelWriter.WriteTokenizerFiles(QwenLike, dir.Path, SharedModels.Tokenizers);
        var unpadded = GgufTokenizerMetadata.From(TokenizerLoader.ReadDefinition(dir.Path));
        var e = Assert.Throws<ArgumentException>(() => RandomModelWriter.WriteGguf(QwenLike, dir.File("m.gguf"), TensorDType.F16, 1, unpadded));
        Assert.Contains("151936 rows", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("m.gguf")));
    }
}
