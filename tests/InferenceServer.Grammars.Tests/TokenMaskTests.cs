using System.Text;
using InferenceServer.Grammars.Gbnf;
using InferenceServer.Grammars.Ir;
using InferenceServer.Grammars.Matching;

namespace InferenceServer.Grammars.Tests;

public sealed class TokenMaskTests
{
    private static readonly Grammar Json = GbnfParser.Parse("""
        root   ::= object
        value  ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
        array  ::= "[" ws ( value ("," ws value)* )? "]" ws
        string ::= "\"" ( [^"\\\x7F\x00-\x1F] | "\\" (["\\bfnrt] | "u" [0-9a-fA-F]{4}) )* "\"" ws
        number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
        ws ::= | " " | "\n" [ \t]{0,20}
        """);

    // Every single byte, then multi-byte pieces of JSON and of UTF-8 characters (whole and split), as BPE vocabularies have.
    private static List<byte[]?> Vocabulary()
    {
        var tokens = new List<byte[]?> { null };
        for (int b = 0; b < 256; b++) tokens.Add([(byte)b]);
        string[] pieces = ["{\"", "\":", "\": ", "\"}", "true", "false", "null", ", \"", "[1", "]}", "12", "3.5", "e+1", "\\n", "\\u00", "ab", "abc", "name", " {", "\n  "];
        foreach (var p in pieces) tokens.Add(Encoding.UTF8.GetBytes(p));
        foreach (var p in new[] { "é", "ü\"", "😀", "\"é" })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(p);
            tokens.Add(bytes);
            tokens.Add(bytes[..1]);
            tokens.Add(bytes[1..]);
        }
        return tokens;
    }

    private static bool BruteForceAllows(EarleyMatcher matcher, byte[]? token)
    {
        if (token is not { Length: > 0 }) return false;
        if (!matcher.TryAdvance(token)) return false;
        matcher.Rollback(token.Length);
        return true;
    }

    [Fact]
    public void A_refused_byte_changes_nothing_and_rollback_returns_to_an_earlier_state()
    {
        var m = new EarleyMatcher(Json);
        Assert.True(m.TryAdvance("{\"a\":1"u8));
        Assert.False(m.TryAdvance("x"u8));
        Assert.False(m.TryAdvance(",\"b\" x"u8));
        Assert.Equal(6, m.Position);
        Assert.False(m.IsAccepting);
        Assert.True(m.TryAdvance("}"u8));
        Assert.True(m.IsAccepting);
        m.Rollback(2);
        Assert.Equal(5, m.Position);
        Assert.False(m.TryAdvance("x"u8));
        Assert.True(m.TryAdvance("[]}"u8));
        Assert.True(m.IsAccepting);
    }

    [Fact]
    public void The_mask_is_exactly_the_tokens_a_byte_by_byte_check_allows_along_random_generations()
    {
        var vocabulary = Vocabulary();
        var trie = new TokenTrie(vocabulary);
        var mask = new ulong[TokenMask.Words(vocabulary.Count)];
        var rng = new Random(7);
        int states = 0;
        for (int run = 0; run < 12; run++)
        {
            var matcher = new EarleyMatcher(Json);
            var text = new List<byte>();
            for (int step = 0; step < 40; step++, states++)
            {
                TokenMask.Compute(matcher, trie, mask);
                var allowed = new List<int>();
                for (int id = 0; id < vocabulary.Count; id++)
                {
                    bool expected = BruteForceAllows(matcher, vocabulary[id]);
                    Assert.True(expected == TokenMask.Allows(mask, id), $"run {run} step {step}: token {id} after '{Encoding.UTF8.GetString([.. text])}'");
                    if (expected) allowed.Add(id);
                }
                if (allowed.Count == 0 || (matcher.IsAccepting && rng.Next(4) == 0)) break;
                byte[] chosen = vocabulary[allowed[rng.Next(allowed.Count)]]!;
                Assert.True(matcher.TryAdvance(chosen));
                text.AddRange(chosen);
            }
            // Whatever was generated is a live prefix of the grammar, and a complete sentence where the matcher says so.
            Assert.True(EarleyMatcher.AcceptsPrefix(Json, text.ToArray()));
            Assert.Equal(matcher.IsAccepting, EarleyMatcher.Accepts(Json, text.ToArray()));
        }
        Assert.True(states > 100, $"only {states} states checked");
    }

    [Fact]
    public void A_sentence_is_accepted_under_every_way_the_vocabulary_splits_it()
    {
        var vocabulary = Vocabulary();
        byte[] sentence = Encoding.UTF8.GetBytes("{\"name\": [12, true, \"é😀\"], \"abc\": null}");
        var rng = new Random(3);
        for (int trial = 0; trial < 30; trial++)
        {
            var matcher = new EarleyMatcher(Json);
            var trie = new TokenTrie(vocabulary);
            var mask = new ulong[TokenMask.Words(vocabulary.Count)];
            int at = 0;
            while (at < sentence.Length)
            {
                // A random token that is a prefix of the rest: the split differs from trial to trial.
                var fitting = Enumerable.Range(0, vocabulary.Count)
                    .Where(id => vocabulary[id] is { Length: > 0 } t && sentence.AsSpan(at).StartsWith(t)).ToList();
                int token = fitting[rng.Next(fitting.Count)];
                TokenMask.Compute(matcher, trie, mask);
                Assert.True(TokenMask.Allows(mask, token), $"token {token} at byte {at} of the sentence");
                Assert.True(matcher.TryAdvance(vocabulary[token]));
                at += vocabulary[token]!.Length;
            }
            Assert.True(matcher.IsAccepting);
        }
    }
}
