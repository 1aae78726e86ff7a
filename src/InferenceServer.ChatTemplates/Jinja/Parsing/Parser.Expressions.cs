using InferenceServer.ChatTemplates.Jinja.Lexing;
using InferenceServer.ChatTemplates.Jinja.Syntax;

namespace InferenceServer.ChatTemplates.Jinja.Parsing;

/// <summary>Expressions, lowest precedence first: conditional, or, and, not, comparisons, + -, ~, * / // %, **, unary with postfix, filters and tests.</summary>
internal sealed partial class Parser
{
    private Expr ParseExpression(bool withCondexpr = true) => withCondexpr ? ParseConditional() : ParseOr();

    private Expr ParseConditional()
    {
        var expr = ParseOr();
        while (_stream.Current.IsName("if"))
        {
            int line = _stream.Next().Line;
            var condition = ParseOr();
            var otherwise = _stream.SkipIfName("else") ? ParseConditional() : null;
            expr = new ConditionalExpr(condition, expr, otherwise, line);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (_stream.Current.IsName("or"))
        {
            int line = _stream.Next().Line;
            left = new BinaryExpr("or", left, ParseAnd(), line);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (_stream.Current.IsName("and"))
        {
            int line = _stream.Next().Line;
            left = new BinaryExpr("and", left, ParseNot(), line);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (!_stream.Current.IsName("not")) return ParseCompare();
        int line = _stream.Next().Line;
        return new UnaryExpr("not", ParseNot(), line);
    }

    private Expr ParseCompare()
    {
        int line = _stream.Current.Line;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            var t = _stream.Current;
            if (t.Kind == TokenKind.Operator && t.Text is "==" or "!=" or "<" or ">" or "<=" or ">=")
            {
                _stream.Next();
                rest.Add((t.Text, ParseMath1()));
            }
            else if (_stream.SkipIfName("in"))
            {
                rest.Add(("in", ParseMath1()));
            }
            else if (t.IsName("not") && _stream.Peek.IsName("in"))
            {
                _stream.Next();
                _stream.Next();
                rest.Add(("not in", ParseMath1()));
            }
            else
            {
                break;
            }
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, line);
    }

    private Expr ParseMath1() => ParseBinary(ParseConcat, "+", "-");

    private Expr ParseConcat()
    {
        int line = _stream.Current.Line;
        var parts = new List<Expr> { ParseMath2() };
        while (_stream.SkipIfOperator("~")) parts.Add(ParseMath2());
        return parts.Count == 1 ? parts[0] : new ConcatExpr(parts, line);
    }

    private Expr ParseMath2() => ParseBinary(ParsePow, "*", "/", "//", "%");

    // Jinja2's ** is left-associative, unlike Python's.
    private Expr ParsePow() => ParseBinary(() => ParseUnary(), "**");

    private Expr ParseBinary(Func<Expr> operand, params string[] operators)
    {
        var left = operand();
        while (_stream.Current.Kind == TokenKind.Operator && operators.Contains(_stream.Current.Text))
        {
            var op = _stream.Next();
            left = new BinaryExpr(op.Text, left, operand(), op.Line);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter = true)
    {
        var token = _stream.Current;
        Expr node;
        if (token.IsOperator("-") || token.IsOperator("+"))
        {
            _stream.Next();
            node = new UnaryExpr(token.Text, ParseUnary(withFilter: false), token.Line);
        }
        else
        {
            node = ParsePrimary();
        }
        node = ParsePostfix(node);
        return withFilter ? ParseFilterExpr(node) : node;
    }

    private Expr ParsePrimary(bool withNamespace = false)
    {
        var token = _stream.Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                _stream.Next();
                switch (token.Text)
                {
                    case "true" or "True": return new LiteralExpr(true, token.Line);
                    case "false" or "False": return new LiteralExpr(false, token.Line);
                    case "none" or "None": return new LiteralExpr(null, token.Line);
                }
                if (withNamespace && _stream.SkipIfOperator("."))
                    return new NamespaceRefExpr(token.Text, _stream.Expect(TokenKind.Name, "name").Text, token.Line);
                return new NameExpr(token.Text, token.Line);
            case TokenKind.String:
                var text = new System.Text.StringBuilder();
                while (_stream.Current.Kind == TokenKind.String) text.Append((string)_stream.Next().Value!);
                return new LiteralExpr(text.ToString(), token.Line);
            case TokenKind.Integer or TokenKind.Float:
                _stream.Next();
                return new LiteralExpr(token.Value, token.Line);
            case TokenKind.Operator when token.Text == "(":
                _stream.Next();
                var inner = ParseTuple(explicitParentheses: true);
                _stream.ExpectOperator(")");
                return inner;
            case TokenKind.Operator when token.Text == "[":
                return ParseList();
            case TokenKind.Operator when token.Text == "{":
                return ParseDict();
            default:
                throw new TemplateSyntaxException($"unexpected '{token.Describe()}'", token.Line);
        }
    }
}
