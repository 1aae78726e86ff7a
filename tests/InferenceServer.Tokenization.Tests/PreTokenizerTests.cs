using InferenceServer.Tokenization.Loading;
using InferenceServer.Tokenization.PreTokenization;

namespace InferenceServer.Tokenization.Tests;

public class PreTokenizerTests
{
    private static string[] Split(IPreTokenizer preTokenizer, string text, bool atTextStart = true)
    {
        var pieces = new List<ReadOnlyMemory<char>>();
        preTokenizer.PreTokenize(text.AsMemory(), atTextStart, pieces);
        return [.. pieces.Select(p => p.ToString())];
    }

    [Fact]
    public void Regex_split_keeps_matches_and_gaps()
    {
        var split = new RegexSplitPreTokenizer(PreTokenizerPatterns.Gpt2);
        Assert.Equal(["Hello", ",", " world", "'s", "  ", " 42"], Split(split, "Hello, world's   42"));
        Assert.Equal(["a", "-", "b"], Split(new RegexSplitPreTokenizer("-"), "a-b"));
    }

    [Fact]
    public void Characters_outside_the_basic_plane_keep_their_unicode_category()
    {
        var qwen = new RegexSplitPreTokenizer(PreTokenizerPatterns.Qwen2);
        Assert.Equal(["𝟏", "𝟐", "𝟑"], Split(qwen, "𝟏𝟐𝟑"));
        Assert.Equal(["𝑥𝑦", " z"], Split(new RegexSplitPreTokenizer(PreTokenizerPatterns.Gpt2), "𝑥𝑦 z"));
        // An emoji is one symbol piece, never two surrogate halves.
        Assert.Equal(["a", "😀", "b"], Split(new RegexSplitPreTokenizer(PreTokenizerPatterns.Gpt2), "a😀b"));
    }

    [Fact]
    public void Llama3_groups_digits_by_three()
    {
        var llama3 = GgufPreTokenizers.Find("llama-bpe")!.PreTokenizer;
        Assert.Equal(["123", "456", "7", " apples"], Split(llama3, "1234567 apples"));
    }

    [Fact]
    public void Llamacpp_default_splits_punctuation_then_gpt2_then_digits()
    {
        var pre = GgufPreTokenizers.Find("default")!.PreTokenizer;
        Assert.Equal(["Hi", "!!", " ", "123", "4"], Split(pre, "Hi!! 1234"));
        Assert.Null(GgufPreTokenizers.Find("no-such-pre"));
    }

    [Theory]
    [InlineData(PrependScheme.Always, false, true, "Hello world", new[] { "▁Hello▁world" })]
    [InlineData(PrependScheme.First, false, false, "Hello world", new[] { "Hello▁world" })]
    [InlineData(PrependScheme.Never, false, true, " Hello", new[] { "▁Hello" })]
    [InlineData(PrependScheme.Always, true, true, "Hello  world", new[] { "▁Hello", "▁", "▁world" })]
    public void Metaspace(PrependScheme scheme, bool split, bool atStart, string text, string[] expected) =>
        Assert.Equal(expected, Split(new MetaspacePreTokenizer('▁', scheme, split), text, atStart));

    [Fact]
    public void Vocabulary_boundaries_cut_only_where_no_token_spans()
    {
        var pre = new VocabularyBoundaryPreTokenizer(["a", "b", "c", "ab", "▁", "▁c"], [("a", "b"), ("▁", "c")]);
        // "ab" and "▁c" are tokens, "b▁" is not; unknown x, y stay together (Hugging Face fuses them into one unk).
        Assert.Equal(["ab", "▁c", "a", "xy", "b"], Split(pre, "ab▁caxyb"));
    }
}
