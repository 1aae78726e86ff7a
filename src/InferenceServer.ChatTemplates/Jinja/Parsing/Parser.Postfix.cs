using InferenceServer.ChatTemplates.Jinja.Lexing;
using InferenceServer.ChatTemplates.Jinja.Syntax;

namespace InferenceServer.ChatTemplates.Jinja.Parsing;

/// <summary>What follows a primary: <c>.attr</c>, <c>[key or slice]</c>, <c>(call args)</c>, <c>| filter</c> and <c>is test</c>.</summary>
internal sealed partial class Parser
{
    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var t = _stream.Current;
            if (t.IsOperator(".") || t.IsOperator("[")) node = ParseSubscript(node);
            else if (t.IsOperator("(")) node = new CallExpr(node, ParseCallArguments(), t.Line);
            else return node;
        }
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            var t = _stream.Current;
            if (t.IsOperator("|")) node = ParseFilter(node)!;
            else if (t.IsName("is")) node = ParseTest(node);
            else if (t.IsOperator("(")) node = new CallExpr(node, ParseCallArguments(), t.Line);
            else return node;
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = _stream.Next();
        if (token.IsOperator("."))
        {
            var attr = _stream.Next();
            if (attr.Kind == TokenKind.Name) return new AttributeExpr(node, attr.Text, token.Line);
            if (attr.Kind != TokenKind.Integer) throw new TemplateSyntaxException("expected name or number", attr.Line);
            return new ItemExpr(node, new LiteralExpr(attr.Value, attr.Line), token.Line);
        }
        var keys = new List<Expr>();
        while (!_stream.Current.IsOperator("]"))
        {
            if (keys.Count > 0) _stream.ExpectOperator(",");
            keys.Add(ParseSubscribed());
        }
        _stream.ExpectOperator("]");
        var key = keys.Count == 1 ? keys[0] : new ListExpr(keys, IsTuple: true, token.Line);
        return new ItemExpr(node, key, token.Line);
    }

    private Expr ParseSubscribed()
    {
        int line = _stream.Current.Line;
        Expr? start = null;
        if (!_stream.SkipIfOperator(":"))
        {
            var node = ParseExpression();
            if (!_stream.SkipIfOperator(":")) return node;
            start = node;
        }
        Expr? stop = null, step = null;
        if (!_stream.Current.IsOperator(":") && !_stream.Current.IsOperator("]") && !_stream.Current.IsOperator(","))
            stop = ParseExpression();
        if (_stream.SkipIfOperator(":") && !_stream.Current.IsOperator("]") && !_stream.Current.IsOperator(","))
            step = ParseExpression();
        return new SliceExpr(start, stop, step, line);
    }

    private Arguments ParseCallArguments()
    {
        var open = _stream.ExpectOperator("(");
        var positional = new List<Expr>();
        var keywords = new List<(string, Expr)>();
        Expr? star = null, doubleStar = null;
        bool requireComma = false;
        void Ensure(bool ok)
        {
            if (!ok) throw new TemplateSyntaxException("invalid syntax for function call expression", open.Line);
        }
        while (!_stream.Current.IsOperator(")"))
        {
            if (requireComma)
            {
                _stream.ExpectOperator(",");
                if (_stream.Current.IsOperator(")")) break; // trailing comma
            }
            if (_stream.SkipIfOperator("*"))
            {
                Ensure(star is null && doubleStar is null);
                star = ParseExpression();
            }
            else if (_stream.SkipIfOperator("**"))
            {
                Ensure(doubleStar is null);
                doubleStar = ParseExpression();
            }
            else if (_stream.Current.Kind == TokenKind.Name && _stream.Peek.IsOperator("="))
            {
                Ensure(doubleStar is null);
                string key = _stream.Next().Text;
                _stream.Next();
                keywords.Add((key, ParseExpression()));
            }
            else
            {
                Ensure(star is null && doubleStar is null && keywords.Count == 0);
                positional.Add(ParseExpression());
            }
            requireComma = true;
        }
        _stream.ExpectOperator(")");
        return new Arguments(positional, keywords, star, doubleStar);
    }

    private Expr? ParseFilter(Expr? node, bool startInline = false)
    {
        while (_stream.Current.IsOperator("|") || startInline)
        {
            if (!startInline) _stream.Next();
            var token = _stream.Expect(TokenKind.Name, "name");
            string name = DottedName(token.Text);
            var args = _stream.Current.IsOperator("(") ? ParseCallArguments() : Arguments.None;
            node = new FilterExpr(node, name, args, token.Line);
            startInline = false;
        }
        return node;
    }

    private Expr ParseTest(Expr node)
    {
        var isToken = _stream.Next();
        bool negated = _stream.SkipIfName("not");
        var nameToken = _stream.Expect(TokenKind.Name, "name");
        string name = DottedName(nameToken.Text);
        Arguments args;
        var t = _stream.Current;
        if (t.IsOperator("("))
        {
            args = ParseCallArguments();
        }
        else if ((t.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float || t.IsOperator("[") || t.IsOperator("{"))
                 && !(t.IsName("else") || t.IsName("or") || t.IsName("and")))
        {
            if (t.IsName("is")) throw new TemplateSyntaxException("You cannot chain multiple tests with is", t.Line);
            args = new Arguments([ParsePostfix(ParsePrimary())], [], null, null);
        }
        else
        {
            args = Arguments.None;
        }
        Expr test = new TestExpr(node, name, args, isToken.Line);
        return negated ? new UnaryExpr("not", test, isToken.Line) : test;
    }

    private string DottedName(string first)
    {
        string name = first;
        while (_stream.SkipIfOperator(".")) name += "." + _stream.Expect(TokenKind.Name, "name").Text;
        return name;
    }
}
