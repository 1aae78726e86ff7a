using InferenceServer.Tokenization.Encoder;

namespace InferenceServer.Tokenization.Tests;

public class IncrementalDetokenizerTests
{
    public static TheoryData<string> Names => ["tinystories", "llama2", "qwen3", "tinystories-metaspace-first"];

    private static TextTokenizer Tokenizer(string name) => name == "llama2" ? SharedTokenizers.Llama2 : VariantTokenizers.For(name);

    [Theory]
    [MemberData(nameof(Names))]
    public void Streaming_encoded_text_gives_back_the_text_in_whole_characters(string name)
    {
        var tokenizer = Tokenizer(name);
        var detokenizer = new IncrementalDetokenizer(tokenizer);
        foreach (string text in TextSamples.Generate(300, seed: 11).Concat(MultiByteTexts))
        {
            var ids = tokenizer.Encode(text);
            var pieces = Stream(detokenizer, ids);
            foreach (string piece in pieces)
            {
                Assert.DoesNotContain('\uFFFD', piece);
                Assert.True(IsWellFormedUtf16(piece), $"piece {Escape(piece)} splits a surrogate pair");
            }
            Assert.Equal(tokenizer.Decode(ids), string.Concat(pieces));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Pieces_concatenate_to_decode_for_random_ids(string name)
    {
        var tokenizer = Tokenizer(name);
        var random = new Random(name.Length);
        int[] bytePieces = ByteTokens(tokenizer);
        int[] specials = [.. tokenizer.AddedTokens.Select(t => t.Id)];
        foreach (bool skip in new[] { true, false })
        {
            var detokenizer = new IncrementalDetokenizer(tokenizer, skip);
            for (int i = 0; i < 1500; i++)
            {
                int[] ids = [.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => random.Next(10) switch
                {
                    < 4 when bytePieces.Length > 0 => bytePieces[random.Next(bytePieces.Length)],
                    4 => specials[random.Next(specials.Length)],
                    _ => random.Next(tokenizer.VocabSize + 2),
                })];
                var pieces = Stream(detokenizer, ids);
                string whole = tokenizer.Decode(ids, skip);
                Assert.Equal(whole, string.Concat(pieces));
                var sink = new System.Text.StringBuilder();
                foreach (int id in ids) detokenizer.Add(id, sink);
                sink.Append(detokenizer.Flush());
                Assert.Equal(whole, sink.ToString());
                // A piece may carry U+FFFD only where Decode has one too: never for a character still being completed.
                Assert.Equal(whole.Count(c => c == '\uFFFD'), pieces.Sum(p => p.Count(c => c == '\uFFFD')));
                Assert.All(pieces, p => Assert.True(IsWellFormedUtf16(p)));
            }
        }
    }

    [Fact]
    public void A_character_split_across_byte_fallback_tokens_waits_for_its_last_byte()
    {
        var tokenizer = SharedTokenizers.Llama2;
        var ids = tokenizer.Encode("🦙!", addSpecialTokens: false); // ▁, four <0xXX>, !
        var detokenizer = new IncrementalDetokenizer(tokenizer);
        Assert.Equal("", detokenizer.Add(ids[0])); // the leading space is stripped
        Assert.Equal("", detokenizer.Add(ids[1]));
        Assert.Equal("", detokenizer.Add(ids[2]));
        Assert.Equal("", detokenizer.Add(ids[3]));
        Assert.Equal(3, detokenizer.PendingByteCount);
        Assert.Equal("🦙", detokenizer.Add(ids[4]));
        Assert.Equal("!", detokenizer.Add(ids[5]));
        Assert.Equal("", detokenizer.Flush());
    }

    [Fact]
    public void An_unfinished_character_at_the_end_flushes_as_a_replacement_like_decode()
    {
        var tokenizer = SharedTokenizers.Qwen3;
        // Byte-level single-byte tokens for 0xF0 0x9F: the first half of a four-byte character.
        int lead = tokenizer.TokenToId(ByteLevelAlphabet.ToChar(0xF0).ToString())!.Value;
        int next = tokenizer.TokenToId(ByteLevelAlphabet.ToChar(0x9F).ToString())!.Value;
        int[] partial = [.. tokenizer.Encode("日"), lead, next];
        var detokenizer = new IncrementalDetokenizer(tokenizer);
        string streamed = string.Concat(partial.Select(detokenizer.Add));
        Assert.Equal("日", streamed);
        string rest = detokenizer.Flush();
        Assert.Equal(tokenizer.Decode(partial), streamed + rest);
        Assert.Equal("\uFFFD", rest);
        Assert.Equal(0, detokenizer.PendingByteCount);
    }

    [Fact]
    public void Skips_special_tokens_and_strips_the_first_space_once()
    {
        var tokenizer = SharedTokenizers.TinyStories;
        var detokenizer = new IncrementalDetokenizer(tokenizer);
        var pieces = Stream(detokenizer, tokenizer.Encode("Once upon a time"));
        Assert.Equal("Once upon a time", string.Concat(pieces));
        Assert.StartsWith("On", pieces.First(p => p.Length > 0), StringComparison.Ordinal);

        var keeping = new IncrementalDetokenizer(tokenizer, skipSpecialTokens: false);
        Assert.Equal("<|start_story|> Once upon a time", string.Concat(Stream(keeping, tokenizer.Encode("Once upon a time"))));
    }

    private static readonly string[] MultiByteTexts =
    [
        "我想在apple工作1314151天～", "🚀 (normal) 😶\u200d🌫️ ✅ 🦙🦙", "Cửa Việt", "нещо на Български", "កាន់តែពិសេសអាចខលចេញ",
        "𝟏𝟐𝟑 and 𝟒𝟓", "e\u0301 Å ß", "😀😀😀😀", "日本語のテキスト",
    ];

    private static List<string> Stream(IncrementalDetokenizer detokenizer, IEnumerable<int> ids)
    {
        var pieces = new List<string>();
        foreach (int id in ids)
        {
            pieces.Add(detokenizer.Add(id));
            Assert.InRange(detokenizer.PendingByteCount, 0, 3);
        }
        pieces.Add(detokenizer.Flush());
        return pieces;
    }

    // Tokens that are single bytes or byte-level characters standing for bytes >= 0x80, to split characters.
    private static int[] ByteTokens(ITextTokenizer tokenizer) =>
        [.. Enumerable.Range(0, tokenizer.VocabSize).Where(id => tokenizer.TokenBytes(id) is { Length: 1 } b && b[0] >= 0x80)];

    private static bool IsWellFormedUtf16(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 128 ? c.ToString() : $"\\u{(int)c:X4}"));
}
