namespace InferenceServer.Tokenization.Tests;

public class Qwen3TokenizerTests
{
    private static TextTokenizer Tokenizer => SharedTokenizers.Qwen3;

    [Fact]
    public void Reads_vocabulary_and_config()
    {
        Assert.Equal(151669, Tokenizer.VocabSize);
        Assert.Null(Tokenizer.BosTokenId);
        Assert.False(Tokenizer.AddBosToken);
        Assert.Equal([151645], Tokenizer.EosTokenIds); // tokenizer_config.json: <|im_end|>
        Assert.False(Tokenizer.StripsLeadingSpace);
        Assert.Equal(26, Tokenizer.AddedTokens.Count);
        Assert.True(Tokenizer.IsSpecial(151644));
        Assert.False(Tokenizer.IsSpecial(151667)); // <think> is added but not special
        Assert.Equal("Ġworld", Tokenizer.IdToToken(1879));
        Assert.Equal(151644, Tokenizer.TokenToId("<|im_start|>"));
    }

    [Fact]
    public void Splits_added_tokens_out_of_text()
    {
        Assert.Equal([151644, 872, 198, 9707, 151645], Tokenizer.Encode("<|im_start|>user\nHello<|im_end|>"));
        Assert.Equal([151667, 9707, 151668], Tokenizer.Encode("<think>Hello</think>"));
        // Untrusted text: specials stay text, non-special added tokens are still matched.
        var plain = Tokenizer.Encode("<|im_start|><think>", parseSpecialTokens: false);
        Assert.DoesNotContain(151644, plain);
        Assert.Contains(151667, plain);
    }

    [Fact]
    public void Composes_text_before_encoding()
    {
        // NFC normalizer: a decomposed "é" encodes like the composed one (string.Normalize would not do this here).
        Assert.Equal(Tokenizer.Encode("caf\u00E9"), Tokenizer.Encode("cafe\u0301"));
    }

    [Fact]
    public void Digits_outside_the_basic_plane_are_single_digits_like_hugging_face()
    {
        // \p{N} must match 𝟏 (U+1D7CF) as one digit; .NET's UTF-16 regex alone sees two surrogates. Ids from Hugging Face.
        Assert.Equal([56252, 253, 237, 56252, 253, 238, 56252, 253, 239], Tokenizer.Encode("𝟏𝟐𝟑"));
        Assert.Equal("𝟏𝟐𝟑 and 𝟒𝟓", Tokenizer.Decode(Tokenizer.Encode("𝟏𝟐𝟑 and 𝟒𝟓")));
    }

    [Fact]
    public void Decodes_byte_level_tokens_and_keeps_or_skips_specials()
    {
        var ids = Tokenizer.Encode("<|im_start|>user\n你好 🦙<|im_end|>");
        Assert.Equal("user\n你好 🦙", Tokenizer.Decode(ids));
        Assert.Equal("<|im_start|>user\n你好 🦙<|im_end|>", Tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("", Tokenizer.Decode([]));
        Assert.Equal("", Tokenizer.Decode([int.MaxValue, -5])); // unknown ids decode to nothing
    }

    [Fact]
    public void Encodes_concurrently_like_sequentially()
    {
        var texts = TextSamples.Generate(400, seed: 21).ToArray();
        var expected = texts.Select(t => Tokenizer.Encode(t)).ToArray();
        var actual = new int[texts.Length][];
        Parallel.For(0, texts.Length * 4, i => actual[i % texts.Length] = Tokenizer.Encode(texts[i % texts.Length]));
        for (int i = 0; i < texts.Length; i++) Assert.Equal(expected[i], actual[i]);
    }
}
