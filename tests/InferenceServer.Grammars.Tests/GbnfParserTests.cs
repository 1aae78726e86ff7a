using System.Text;
using InferenceServer.Grammars.Gbnf;
using InferenceServer.Grammars.Ir;
using InferenceServer.Grammars.Matching;

namespace InferenceServer.Grammars.Tests;

public sealed class GbnfParserTests
{
    // llama.cpp's grammars/json.gbnf, as its README gives it.
    private const string Json = """
        root   ::= object
        value  ::= object | array | string | number | ("true" | "false" | "null") ws

        object ::=
          "{" ws (
                    string ":" ws value
            ("," ws string ":" ws value)*
          )? "}" ws

        array  ::=
          "[" ws (
                    value
            ("," ws value)*
          )? "]" ws

        string ::=
          "\"" (
            [^"\\\x7F\x00-\x1F] |
            "\\" (["\\bfnrt] | "u" [0-9a-fA-F]{4}) # escapes
          )* "\"" ws

        number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws

        # Optional space: by convention, applied in this grammar after literal chars when allowed
        ws ::= | " " | "\n" [ \t]{0,20}
        """;

    private static Grammar Recognizer(string grammar) => GbnfParser.Parse(grammar);

    private static bool Accepts(Grammar g, string text) => EarleyMatcher.Accepts(g, Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("{}", true)]
    [InlineData("{\"a\": 1, \"b\": [true, null, \"x\\n\"], \"ü\": {\"c\": -2.5e3}}", true)]
    [InlineData("{\"emoji\": \"😀 ok\"}", true)]
    [InlineData("{\"a\": }", false)]
    [InlineData("[1, 2]", false)]
    [InlineData("{\"a\": 01}", false)]
    [InlineData("{\"bad\": \"\u0001\"}", false)]
    public void The_json_grammar_accepts_json_objects_and_nothing_else(string text, bool accepted) =>
        Assert.Equal(accepted, Accepts(Recognizer(Json), text));

    [Fact]
    public void Every_prefix_of_an_accepted_text_is_a_live_prefix_and_a_wrong_byte_ends_it()
    {
        var r = Recognizer(Json);
        byte[] text = Encoding.UTF8.GetBytes("{\"k\": [1, \"é\"]}");
        for (int i = 0; i <= text.Length; i++) Assert.True(EarleyMatcher.AcceptsPrefix(r, text.AsSpan(0, i)), $"prefix of {i} bytes");
        Assert.False(EarleyMatcher.AcceptsPrefix(r, Encoding.UTF8.GetBytes("{\"k\" x")));
        // Half of a two-byte character is a live prefix: tokens may split characters.
        Assert.True(EarleyMatcher.AcceptsPrefix(r, Encoding.UTF8.GetBytes("{\"é").AsSpan(0, 3)));
    }

    [Theory]
    [InlineData("root ::= \"a\"{2,3}", "", false)]
    [InlineData("root ::= \"a\"{2,3}", "aa", true)]
    [InlineData("root ::= \"a\"{2,3}", "aaa", true)]
    [InlineData("root ::= \"a\"{2,3}", "aaaa", false)]
    [InlineData("root ::= \"ab\"{2,}", "abababab", true)]
    [InlineData("root ::= \"ab\"{2,}", "aba", false)]
    [InlineData("root ::= \"ab\"*", "", true)]
    [InlineData("root ::= \"ab\"+", "", false)]
    [InlineData("root ::= \"x\" \"ab\"? \"y\"", "xy", true)]
    [InlineData("root ::= \"x\" \"ab\"? \"y\"", "xaby", true)]
    [InlineData("root ::= \"x\" \"ab\"? \"y\"", "xababy", false)]
    [InlineData("root ::= [a-c]{3}", "cab", true)]
    [InlineData("root ::= [^a-c]", "d", true)]
    [InlineData("root ::= [^a-c]", "b", false)]
    [InlineData("root ::= [^a-c]", "é", true)]
    [InlineData("root ::= .", "😀", true)]
    [InlineData("root ::= . .", "😀", false)]
    [InlineData("root ::= \"\\x41\\u00e9\\U0001F600\"", "Aé😀", true)]
    [InlineData("root ::= [\\]\\-]+", "]-]", true)]
    [InlineData("root ::= expr\nexpr ::= expr \"+\" term | term\nterm ::= [0-9]", "1+2+3", true)]
    [InlineData("root ::= a\na ::= \"(\" a \")\" | # nothing\n", "((()))", true)]
    [InlineData("root ::= a\na ::= \"(\" a \")\" | # nothing\n", "(()", false)]
    public void Repetitions_classes_escapes_and_recursion_mean_what_llama_cpp_means(string grammar, string text, bool accepted) =>
        Assert.Equal(accepted, Accepts(Recognizer(grammar), text));

    [Fact]
    public void A_rule_continues_on_the_next_line_only_after_a_bar_or_inside_a_group()
    {
        Assert.True(Accepts(Recognizer("root ::= \"a\" |\n  \"b\""), "b"));
        Assert.True(Accepts(Recognizer("root ::= (\n  \"a\"\n  \"b\"\n)"), "ab"));
        var e = Assert.Throws<GrammarSyntaxException>(() => GbnfParser.Parse("root ::= \"a\"\n  \"b\""));
        Assert.Equal(2, e.Line);
    }

    [Theory]
    [InlineData("root ::= thing", "rule 'thing' is referenced but not defined", 1, 10)]
    [InlineData("start ::= \"a\"", "no rule 'root'", 0, 0)]
    [InlineData("root ::= \"a\"\nroot ::= \"b\"", "defined twice", 2, 1)]
    [InlineData("root = \"a\"", "expected '::='", 1, 6)]
    [InlineData("root ::= \"abc", "unterminated literal", 1, 14)]
    [InlineData("root ::= [a-", "unterminated character class", 1, 10)]
    [InlineData("root ::= [z-a]", "backwards", 1, 10)]
    [InlineData("root ::= \"a\"{3,2}", "maximum below its minimum", 1, 13)]
    [InlineData("root ::= \"a\"{99999}", "at most 10000", 1, 13)]
    [InlineData("root ::= <[1000]>", "token references", 1, 10)]
    [InlineData("root ::= * \"a\"", "follows nothing", 1, 10)]
    [InlineData("root ::= \"\\q\"", "unknown escape", 1, 11)]
    [InlineData("root ::= (\"a\" | \"b\"", "expected ')'", 1, 20)]
    public void Bad_grammars_are_errors_that_say_where(string grammar, string problem, int line, int column)
    {
        var e = Assert.Throws<GrammarSyntaxException>(() => GbnfParser.Parse(grammar));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (e.Line, e.Column));
    }
}
