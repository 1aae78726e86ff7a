using System.Text;
using InferenceServer.Grammars.Choice;
using InferenceServer.Grammars.Matching;
using InferenceServer.Grammars.Regex;
using DotNetRegex = System.Text.RegularExpressions.Regex;
using DotNetRegexOptions = System.Text.RegularExpressions.RegexOptions;

namespace InferenceServer.Grammars.Tests;

public sealed class RegexCompilerTests
{
    public static TheoryData<string> Patterns() => new(
        @"^\d{3}-\d{2,4}$",
        @"(cat|dog)s?",
        @"[A-Z][a-z]*( [A-Z][a-z]*){0,2}",
        @"\w+@\w+\.(com|org)",
        @"(?:ab|a)*b",
        @"[^a-c\d]+x?",
        @"é+|\u00fc\.",
        @"a.c",
        @"\s*\[\s*(\d+(,\s*\d+)*)?\s*\]",
        @"(?<year>\d{4})-(0[1-9]|1[0-2])",
        @"x{2,}y{,3}");

    // BMP only: .NET's regex works on UTF-16 code units, so a character beyond it would be two "characters" there.
    private const string Alphabet = "abcdogstxyACMZé ü.,-@[]{}0123456789\n\t";

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Whole_strings_are_accepted_exactly_when_the_ecmascript_regex_matches_them(string pattern)
    {
        var grammar = RegexCompiler.Compile(pattern);
        // \z, not $: .NET's $ also matches before a final line feed.
        var reference = new DotNetRegex($"^(?:{pattern.TrimStart('^').TrimEnd('$')})\\z", DotNetRegexOptions.ECMAScript);
        var rng = new Random(pattern.Length);
        int matched = 0;
        for (int i = 0; i < 600; i++)
        {
            int length = rng.Next(0, 12);
            var text = new string([.. Enumerable.Range(0, length).Select(_ => Alphabet[rng.Next(Alphabet.Length)])]);
            // Half the samples are mutations of a string the grammar generates, so matches are not all rare.
            if (i % 2 == 1) text = Mutate(Sample(grammar, rng), rng);
            bool expected = reference.IsMatch(text);
            matched += expected ? 1 : 0;
            Assert.True(expected == EarleyMatcher.Accepts(grammar, Encoding.UTF8.GetBytes(text)), $"'{text}' against {pattern}: .NET says {expected}");
        }
        Assert.True(matched > 20, $"only {matched} matching samples");
    }

    private static string Sample(Ir.Grammar grammar, Random rng)
    {
        var tokens = Enumerable.Range(0, 256).Select(b => (byte[]?)[(byte)b]).ToList();
        var trie = new TokenTrie(tokens);
        var mask = new ulong[TokenMask.Words(tokens.Count)];
        var matcher = new EarleyMatcher(grammar);
        var bytes = new List<byte>();
        for (int step = 0; step < 24; step++)
        {
            if (matcher.IsAccepting && rng.Next(3) == 0) break;
            TokenMask.Compute(matcher, trie, mask);
            var allowed = Enumerable.Range(0, 256).Where(b => TokenMask.Allows(mask, b)).ToList();
            if (allowed.Count == 0) break;
            // Mostly bytes of the test alphabet and no 4-byte characters, so .NET's view of characters stays comparable.
            var preferred = allowed.Where(b => (b >= 0x80 && b < 0xF0) || Alphabet.Contains((char)b, StringComparison.Ordinal)).ToList();
            var pool = preferred.Count > 0 ? preferred : allowed;
            byte chosen = (byte)pool[rng.Next(pool.Count)];
            matcher.TryAdvance(chosen);
            bytes.Add(chosen);
        }
        while (!matcher.IsAccepting && bytes.Count > 0)
        {
            matcher.Rollback(1);
            bytes.RemoveAt(bytes.Count - 1);
        }
        string text = Encoding.UTF8.GetString([.. bytes]);
        return text.Contains('\uFFFD', StringComparison.Ordinal) ? "" : text;
    }

    private static string Mutate(string text, Random rng) => rng.Next(3) switch
    {
        0 => text,
        1 when text.Length > 0 => text.Remove(rng.Next(text.Length), 1),
        _ => text.Insert(rng.Next(text.Length + 1), Alphabet[rng.Next(Alphabet.Length)].ToString()),
    };

    [Theory]
    [InlineData(@"(a)\1", "backreferences", 3)]
    [InlineData(@"a(?=b)", "lookaround", 1)]
    [InlineData(@"\bword", "word boundaries", 0)]
    [InlineData(@"a^b", "only supported at the start or end", 1)]
    [InlineData(@"*a", "follows nothing", 0)]
    [InlineData(@"a++", "possessive", 2)]
    [InlineData(@"(ab", "expected ')'", 0)]
    [InlineData(@"ab)", "unbalanced ')'", 2)]
    [InlineData(@"[z-a]", "backwards", 0)]
    [InlineData(@"[abc", "unterminated character class", 0)]
    [InlineData(@"a{3,2}", "maximum below its minimum", 1)]
    [InlineData(@"\q", "unknown escape", 0)]
    public void Unsupported_or_broken_patterns_are_refused_with_their_position(string pattern, string problem, int position)
    {
        var e = Assert.Throws<RegexSyntaxException>(() => RegexCompiler.Compile(pattern));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Equal(position, e.Position);
    }

    [Fact]
    public void A_choice_accepts_exactly_its_strings()
    {
        var grammar = ChoiceCompiler.Compile(["yes", "no", "maybe so", "né"]);
        foreach (string s in new[] { "yes", "no", "maybe so", "né" }) Assert.True(EarleyMatcher.Accepts(grammar, Encoding.UTF8.GetBytes(s)), s);
        foreach (string s in new[] { "", "ye", "yess", "nono", "maybe", "ne" }) Assert.False(EarleyMatcher.Accepts(grammar, Encoding.UTF8.GetBytes(s)), s);
    }
}
