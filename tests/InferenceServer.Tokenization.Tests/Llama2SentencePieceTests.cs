namespace InferenceServer.Tokenization.Tests;

public class Llama2SentencePieceTests
{
    private static TextTokenizer Tokenizer => SharedTokenizers.Llama2;

    [Fact]
    public void Reads_the_model_settings()
    {
        Assert.Equal(32000, Tokenizer.VocabSize);
        Assert.Equal(1, Tokenizer.BosTokenId);
        Assert.Equal([2], Tokenizer.EosTokenIds);
        Assert.True(Tokenizer.AddBosToken);
        Assert.True(Tokenizer.StripsLeadingSpace);
        Assert.True(Tokenizer.IsSpecial(0) && Tokenizer.IsSpecial(1) && Tokenizer.IsSpecial(2));
        Assert.Equal("<0x0A>", Tokenizer.IdToToken(13));
        Assert.Equal([(byte)'\n'], Tokenizer.TokenBytes(13).ToArray());
    }

    [Fact]
    public void Adds_bos_and_splits_special_tokens_with_a_fresh_prefix_space()
    {
        Assert.Equal([1, 15043, 3186], Tokenizer.Encode("Hello world"));
        // After a special token the text gets its own "▁", as in Hugging Face and llama.cpp.
        Assert.Equal([1, 15043, 2, 15043], Tokenizer.Encode("Hello</s>Hello"));
        Assert.DoesNotContain(2, Tokenizer.Encode("Hello</s>Hello", parseSpecialTokens: false));
    }

    [Fact]
    public void Unknown_characters_fall_back_to_utf8_byte_tokens()
    {
        // U+1F999 🦙 is not a piece: four <0xXX> tokens (0xF0 0x9F 0xA6 0x99 -> ids byte + 3).
        var ids = Tokenizer.Encode("🦙", addSpecialTokens: false);
        Assert.Equal([29871, 0xF0 + 3, 0x9F + 3, 0xA6 + 3, 0x99 + 3], ids);
        Assert.Equal("🦙", Tokenizer.Decode(ids));
    }

    [Theory]
    [InlineData("Hello, y'all! How are you 😁 ?我想在apple工作1314151天～")]
    [InlineData("    Hello\n    Hello")]
    [InlineData("Cửa Việt 🚀 (normal) 😶\u200d🌫️")]
    public void Decode_round_trips(string text) => Assert.Equal(text, Tokenizer.Decode(Tokenizer.Encode(text)));
}
