using InferenceServer.Core.Errors;
using InferenceServer.Tokenization.Loading;

namespace InferenceServer.Tokenization.Tests;

/// <summary>The splits llama.cpp uses per tokenizer.ggml.pre, checked on text where the kinds differ.</summary>
public class GgufPreTokenizerTests
{
    private static string[] Split(string pre, string text)
    {
        var pieces = new List<ReadOnlyMemory<char>>();
        GgufPreTokenizers.Find(pre)!.PreTokenizer.PreTokenize(text.AsMemory(), atTextStart: true, pieces);
        return [.. pieces.Select(p => p.ToString())];
    }

    public static TheoryData<string> AllNames => [.. GgufPreTokenizers.Names];

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Every_kind_cuts_text_into_pieces_that_rebuild_it(string name)
    {
        const string text = "Hello, y'all! 1234567 apples\n\n  日本語テキスト 가나 Ünïcödé 𝟏𝟐 𐐀𐐨 😶‍🌫️ 'RE x.Foo\t-- ½";
        string[] pieces = Split(name, text);
        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p => Assert.False(p.Length == 0 || char.IsLowSurrogate(p[0]) || char.IsHighSurrogate(p[^1]), $"'{p}' splits a surrogate pair"));
    }

    [Fact]
    public void Known_names_include_the_common_kinds()
    {
        foreach (string name in new[] { "default", "llama3", "llama-bpe", "qwen2", "gpt-2", "starcoder", "deepseek-llm", "deepseek-coder", "deepseek-v3" })
            Assert.NotNull(GgufPreTokenizers.Find(name));
        Assert.Equal("llama3", GgufPreTokenizers.Find("llama-bpe")!.Name);
    }

    [Fact]
    public void Starcoder_splits_single_digits_before_the_gpt2_regex()
    {
        Assert.Equal(["x", "=", "1", "2"], Split("starcoder", "x=12"));
        Assert.Equal(["x", "=", "12"], Split("gpt-2", "x=12"));
    }

    [Fact]
    public void Deepseek_coder_splits_letters_punctuation_cjk_and_single_digits()
    {
        Assert.Equal(["abc", " ", "1", "2", "3"], Split("deepseek-coder", "abc 123"));
        Assert.Equal(["a", "\n", " ", "世界"], Split("deepseek-coder", "a\n 世界"));
    }

    [Fact]
    public void Deepseek_llm_runs_its_six_stages()
    {
        Assert.Equal(["Hello", ",", " ", "世界", " ", "123", "\n"], Split("deepseek-llm", "Hello, 世界 123\n"));
    }

    [Fact]
    public void Deepseek_llm_letters_outside_the_basic_plane_are_only_those_it_lists()
    {
        // Deseret (U+10400..) is in the list, mathematical bold (U+1D400) is not, though both are uppercase letters.
        Assert.Equal(["𐐀𐐨", " x"], Split("deepseek-llm", "𐐀𐐨 x"));
        Assert.Equal(["𝐀", "b"], Split("deepseek-llm", "𝐀b"));
        // Ω, K and ι are the compatibility characters U+2126, U+212A, U+1FBE, not their NFC forms.
        Assert.Equal(["\u2126\u212A\u1FBE"], Split("deepseek-llm", "\u2126\u212A\u1FBE"));
        // Characters between the listed ranges are not letters to it: U+00D7 (×) sits between À-Ö and Ø-ö.
        Assert.Equal(["a", "×", "b"], Split("deepseek-llm", "a×b"));
        Assert.Equal(["a", "_", "b"], Split("deepseek-llm", "a_b"));
    }

    [Fact]
    public void Deepseek_v3_groups_digits_by_three_and_keeps_kana_with_ideographs()
    {
        Assert.Equal(["123", "4", " apples"], Split("deepseek-v3", "1234 apples"));
        Assert.Equal(["日本語テキスト", "ok"], Split("deepseek-v3", "日本語テキストok"));
        Assert.Equal(["x", ".Foo"], Split("deepseek-v3", "x.Foo"));
    }

    [Fact]
    public void Falcon_splits_punctuation_with_backticks_then_gpt2_then_digit_triples()
    {
        Assert.Equal(["a", "`", "b", " ", "123", "4"], Split("falcon", "a`b 1234"));
    }

    [Fact]
    public void Llama3_kind_takes_whole_tokens_and_adds_bos_unless_the_file_says_otherwise()
    {
        var metadata = new Dictionary<string, object>
        {
            [GgufTokenizerReader.ModelKey] = "gpt2",
            [GgufTokenizerReader.PreKey] = "llama-bpe",
            [GgufTokenizerReader.TokensKey] = new[] { "a", "b", "ab" },
            [GgufTokenizerReader.MergesKey] = new[] { "a b" },
            [GgufTokenizerReader.BosIdKey] = 0u,
        };
        var llama3 = GgufTokenizerReader.Read(metadata, "x.gguf");
        Assert.True(llama3.IgnoreMerges);
        Assert.True(llama3.AddBosToken);
        Assert.Null(llama3.Normalizer);

        metadata[GgufTokenizerReader.AddBosKey] = false;
        Assert.False(GgufTokenizerReader.Read(metadata, "x.gguf").AddBosToken);

        metadata.Remove(GgufTokenizerReader.AddBosKey);
        metadata[GgufTokenizerReader.PreKey] = "qwen2";
        var qwen2 = GgufTokenizerReader.Read(metadata, "x.gguf");
        Assert.False(qwen2.IgnoreMerges);
        Assert.False(qwen2.AddBosToken);
        Assert.NotNull(qwen2.Normalizer);
    }

    [Fact]
    public void A_missing_pre_is_llamacpp_default_and_an_unknown_one_is_named()
    {
        var metadata = new Dictionary<string, object>
        {
            [GgufTokenizerReader.ModelKey] = "gpt2",
            [GgufTokenizerReader.TokensKey] = new[] { "a", "b", "ab" },
            [GgufTokenizerReader.MergesKey] = new[] { "a b" },
        };
        Assert.Same(GgufPreTokenizers.Find("default")!.PreTokenizer, GgufTokenizerReader.Read(metadata, "x.gguf").PreTokenizer);

        metadata[GgufTokenizerReader.PreKey] = "tekken-9000";
        var e = Assert.Throws<ModelLoadException>(() => GgufTokenizerReader.Read(metadata, "/m/x.gguf"));
        Assert.Equal("/m/x.gguf", e.FilePath);
        Assert.Contains("'tekken-9000'", e.Message, StringComparison.Ordinal);
        Assert.Contains("deepseek-v3", e.Message, StringComparison.Ordinal);
    }
}
