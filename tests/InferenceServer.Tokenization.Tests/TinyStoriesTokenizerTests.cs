using InferenceServer.TestSupport;

namespace InferenceServer.Tokenization.Tests;

public class TinyStoriesTokenizerTests
{
    private static TextTokenizer Tokenizer => SharedTokenizers.TinyStories;

    [Fact]
    public void Encodes_the_known_ids_with_bos()
    {
        Assert.Equal([1, 80, 147, 201, 282, 57], Tokenizer.Encode("Once upon a time"));
        Assert.Equal([80, 147, 201, 282, 57], Tokenizer.Encode("Once upon a time", addSpecialTokens: false));
    }

    [Fact]
    public void Empty_input_is_just_bos()
    {
        Assert.Equal([1], Tokenizer.Encode(""));
        Assert.Empty(Tokenizer.Encode("", addSpecialTokens: false));
    }

    [Fact]
    public void Special_tokens_and_config()
    {
        Assert.Equal(2048, Tokenizer.VocabSize);
        Assert.Equal(1, Tokenizer.BosTokenId);
        Assert.Equal([2], Tokenizer.EosTokenIds);
        Assert.True(Tokenizer.AddBosToken);
        Assert.False(Tokenizer.AddEosToken);
        Assert.True(Tokenizer.StripsLeadingSpace);
        Assert.True(Tokenizer.IsSpecial(0) && Tokenizer.IsSpecial(1) && Tokenizer.IsSpecial(2));
        Assert.False(Tokenizer.IsSpecial(80));
        Assert.False(Tokenizer.IsSpecial(-1));
        Assert.False(Tokenizer.IsSpecial(5000));
        Assert.Equal("▁", Tokenizer.IdToToken(80));
        Assert.Null(Tokenizer.IdToToken(2048));
        Assert.Equal(80, Tokenizer.TokenToId("▁"));
        Assert.Equal(2, Tokenizer.TokenToId("<|end_story|>"));
    }

    [Fact]
    public void Special_token_text_after_a_space_is_the_special_token()
    {
        // The added tokens are "normalized": matched as "▁<|end_story|>", i.e. after a space, as Hugging Face does.
        Assert.Equal(2, Tokenizer.Encode("Once upon <|end_story|>")[^1]);
        Assert.Equal(Tokenizer.Encode("Once upon"), Tokenizer.Encode("Once upon <|end_story|>")[..^1]);
        Assert.DoesNotContain(2, Tokenizer.Encode("Once upon <|end_story|>", parseSpecialTokens: false));
    }

    [Theory]
    [InlineData("Once upon a time, there was a little girl named Lily. She loved to play outside.")]
    [InlineData("\"Mom, can I have it?\" she said.\nThe end.")]
    [InlineData("  two leading spaces and trailing  ")]
    public void Decode_round_trips(string text)
    {
        var ids = Tokenizer.Encode(text);
        Assert.Equal(text, Tokenizer.Decode(ids));
        // The leading-space strip applies to the whole text: kept, BOS absorbs it and the text keeps its own space.
        Assert.Equal("<|start_story|> " + text, Tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Decode_keeps_or_skips_special_tokens()
    {
        int[] ids = [1, 80, 147, 201, 282, 57, 2];
        Assert.Equal("Once upon a time", Tokenizer.Decode(ids));
        // Hugging Face stores the normalized specials as "▁<|end_story|>", so they decode with a space.
        Assert.Equal("<|start_story|> Once upon a time <|end_story|>", Tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Unknown_characters_fuse_into_one_unk()
    {
        // The vocabulary has no <0xXX> tokens although byte fallback is on.
        Assert.Equal([1, 80, 0], Tokenizer.Encode("日本語"));
        Assert.Equal([1, 80, 0, 80, 0], Tokenizer.Encode("日本 😀"));
    }

    [Fact]
    public void Loads_the_same_from_the_folder_and_from_tokenizer_json()
    {
        var fromFile = TokenizerLoader.Load(Path.Combine(SharedModels.TinyStories, "tokenizer.json"));
        Assert.Equal(Tokenizer.Encode("Once upon a time"), fromFile.Encode("Once upon a time"));
        Assert.Equal(Tokenizer.EosTokenIds, fromFile.EosTokenIds);
    }
}
