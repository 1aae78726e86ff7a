using InferenceServer.ChatTemplates.Jinja.Lexing;
using InferenceServer.ChatTemplates.Jinja.Syntax;

namespace InferenceServer.ChatTemplates.Jinja.Parsing;

/// <summary>Builds the syntax tree from tokens, following Jinja2's parser rule for rule (precedence, tuples, tests, filters).</summary>
internal sealed partial class Parser
{
    private readonly TokenStream _stream;
    private readonly Stack<string[]> _endTokens = new();
    private readonly Stack<string> _tagStack = new();
    private int _loopDepth;

    private Parser(List<Token> tokens) => _stream = new TokenStream(tokens);

    /// <summary>Parses a whole template, then rejects unknown filters and tests where Jinja2's compiler would.</summary>
    public static IReadOnlyList<Stmt> Parse(List<Token> tokens, IReadOnlySet<string> filters, IReadOnlySet<string> tests)
    {
        var body = new Parser(tokens).Subparse(null);
        new FilterTestValidator(filters, tests).Check(body);
        return body;
    }

    private List<Stmt> Subparse(string[]? endTokens)
    {
        var body = new List<Stmt>();
        if (endTokens is not null) _endTokens.Push(endTokens);
        try
        {
            while (true)
            {
                var token = _stream.Current;
                switch (token.Kind)
                {
                    case TokenKind.Data:
                        body.Add(new TextStmt(token.Text, token.Line));
                        _stream.Next();
                        break;
                    case TokenKind.VariableBegin:
                        _stream.Next();
                        body.Add(new OutputStmt(ParseTuple(), token.Line));
                        _stream.Expect(TokenKind.VariableEnd, "end of print statement");
                        break;
                    case TokenKind.BlockBegin:
                        _stream.Next();
                        if (endTokens is not null && _stream.Current.Kind == TokenKind.Name && endTokens.Contains(_stream.Current.Text))
                            return body;
                        body.Add(ParseStatement());
                        _stream.Expect(TokenKind.BlockEnd, "end of statement block");
                        break;
                    case TokenKind.Eof:
                        if (endTokens is not null) throw UnknownTagOrEof(null, token.Line);
                        return body;
                    default:
                        throw new TemplateSyntaxException($"unexpected '{token.Describe()}'", token.Line);
                }
            }
        }
        finally
        {
            if (endTokens is not null) _endTokens.Pop();
        }
    }

    /// <summary>Parses statements up to one of <paramref name="endTokens"/>; the end tag's name is left current unless dropped.</summary>
    private List<Stmt> ParseBody(string[] endTokens, bool dropNeedle)
    {
        _stream.SkipIfOperator(":");
        _stream.Expect(TokenKind.BlockEnd, "end of statement block");
        var body = Subparse(endTokens);
        if (dropNeedle) _stream.Next();
        return body;
    }

    /// <summary>Jinja2's message for an unknown tag or a template that ends inside a block.</summary>
    private TemplateSyntaxException UnknownTagOrEof(string? name, int line)
    {
        var parts = new List<string> { name is null ? "Unexpected end of template." : $"Encountered unknown tag '{name}'." };
        if (_endTokens.Count > 0)
        {
            string looking = string.Join(" or ", _endTokens.Peek().Select(t => $"'{t}'"));
            bool expected = name is not null && _endTokens.Any(ts => ts.Contains(name));
            parts.Add(expected
                ? $"You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for {looking}."
                : $"Jinja was looking for the following tags: {looking}.");
        }
        if (_tagStack.Count > 0) parts.Add($"The innermost block that needs to be closed is '{_tagStack.Peek()}'.");
        return new TemplateSyntaxException(string.Join(" ", parts), line);
    }
}
