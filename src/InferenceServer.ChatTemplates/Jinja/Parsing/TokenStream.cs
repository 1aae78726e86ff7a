using InferenceServer.ChatTemplates.Jinja.Lexing;

namespace InferenceServer.ChatTemplates.Jinja.Parsing;

/// <summary>A cursor over the lexer's tokens with Jinja2's <c>expect</c>/<c>skip_if</c> helpers and error wording.</summary>
internal sealed class TokenStream(List<Token> tokens)
{
    private int _index;

    public Token Current => tokens[_index];

    public Token Peek => tokens[Math.Min(_index + 1, tokens.Count - 1)];

    public Token Next()
    {
        var t = tokens[_index];
        if (_index < tokens.Count - 1) _index++;
        return t;
    }

    public bool SkipIfName(string name)
    {
        if (!Current.IsName(name)) return false;
        Next();
        return true;
    }

    public bool SkipIfOperator(string op)
    {
        if (!Current.IsOperator(op)) return false;
        Next();
        return true;
    }

    public Token Expect(TokenKind kind, string description) =>
        Current.Kind == kind ? Next() : throw Unexpected(description);

    public Token ExpectOperator(string op) => Current.IsOperator(op) ? Next() : throw Unexpected(op);

    public Token ExpectName(string name) => Current.IsName(name) ? Next() : throw Unexpected(name);

    private TemplateSyntaxException Unexpected(string expected) => Current.Kind == TokenKind.Eof
        ? new TemplateSyntaxException($"unexpected end of template, expected '{expected}'.", Current.Line)
        : new TemplateSyntaxException($"expected token '{expected}', got '{Current.Describe()}'", Current.Line);
}
