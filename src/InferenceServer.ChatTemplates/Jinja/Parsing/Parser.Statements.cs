using InferenceServer.ChatTemplates.Jinja.Lexing;
using InferenceServer.ChatTemplates.Jinja.Syntax;

namespace InferenceServer.ChatTemplates.Jinja.Parsing;

/// <summary>The tags: for, if, set, macro, call, filter, with, print, block, generation, break, continue.</summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> Tags =
        ["for", "if", "set", "macro", "call", "filter", "with", "print", "block", "generation", "break", "continue"];

    private Stmt ParseStatement()
    {
        var token = _stream.Current;
        if (token.Kind != TokenKind.Name) throw new TemplateSyntaxException("tag name expected", token.Line);
        if (token.Text is "extends" or "include" or "import" or "from")
            throw new TemplateSyntaxException($"'{token.Text}' is not supported: a chat template cannot load other templates", token.Line);
        if (!Tags.Contains(token.Text)) throw UnknownTagOrEof(token.Text, token.Line);
        _tagStack.Push(token.Text);
        try
        {
            return token.Text switch
            {
                "for" => ParseFor(),
                "if" => ParseIf(),
                "set" => ParseSet(),
                "macro" => ParseMacro(),
                "call" => ParseCallBlock(),
                "filter" => ParseFilterBlock(),
                "with" => ParseWith(),
                "print" => ParsePrint(),
                "block" => ParseBlock(),
                "generation" => ParseGeneration(),
                _ => ParseLoopControl(),
            };
        }
        finally
        {
            _tagStack.Pop();
        }
    }

    private ForStmt ParseFor()
    {
        int line = _stream.ExpectName("for").Line;
        var target = ParseAssignTarget(extraEnd: ["in"]);
        _stream.ExpectName("in");
        var iterable = ParseTuple(withCondexpr: false, extraEnd: ["recursive"]);
        var filter = _stream.SkipIfName("if") ? ParseExpression() : null;
        bool recursive = _stream.SkipIfName("recursive");
        _loopDepth++;
        var body = ParseBody(["endfor", "else"], dropNeedle: false);
        _loopDepth--;
        var otherwise = _stream.Next().Text == "endfor" ? [] : ParseBody(["endfor"], dropNeedle: true);
        return new ForStmt(target, iterable, filter, recursive, body, otherwise, line);
    }

    private IfStmt ParseIf()
    {
        int line = _stream.ExpectName("if").Line;
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        IReadOnlyList<Stmt> otherwise = [];
        while (true)
        {
            var condition = ParseTuple(withCondexpr: false);
            branches.Add((condition, ParseBody(["elif", "else", "endif"], dropNeedle: false)));
            var token = _stream.Next();
            if (token.IsName("elif")) continue;
            if (token.IsName("else")) otherwise = ParseBody(["endif"], dropNeedle: true);
            break;
        }
        return new IfStmt(branches, otherwise, line);
    }

    private Stmt ParseSet()
    {
        int line = _stream.Next().Line;
        var target = ParseAssignTarget(withNamespace: true);
        if (_stream.SkipIfOperator("=")) return new SetStmt(target, ParseTuple(), line);
        var filter = ParseFilter(null) as FilterExpr;
        return new SetBlockStmt(target, filter, ParseBody(["endset"], dropNeedle: true), line);
    }

    private MacroStmt ParseMacro()
    {
        int line = _stream.Next().Line;
        string name = _stream.Expect(TokenKind.Name, "name").Text;
        var parameters = ParseSignature();
        int savedDepth = _loopDepth;
        _loopDepth = 0; // a loop around the definition is not a loop around the body
        var body = ParseBody(["endmacro"], dropNeedle: true);
        _loopDepth = savedDepth;
        return new MacroStmt(name, parameters, body, line);
    }

    private List<Parameter> ParseSignature()
    {
        var parameters = new List<Parameter>();
        _stream.ExpectOperator("(");
        while (!_stream.Current.IsOperator(")"))
        {
            if (parameters.Count > 0) _stream.ExpectOperator(",");
            var token = _stream.Expect(TokenKind.Name, "name");
            Expr? fallback = null;
            if (_stream.SkipIfOperator("=")) fallback = ParseExpression();
            else if (parameters.Any(p => p.Default is not null))
                throw new TemplateSyntaxException("non-default argument follows default argument", token.Line);
            parameters.Add(new Parameter(token.Text, fallback));
        }
        _stream.ExpectOperator(")");
        return parameters;
    }

    private CallBlockStmt ParseCallBlock()
    {
        int line = _stream.Next().Line;
        var parameters = _stream.Current.IsOperator("(") ? ParseSignature() : [];
        if (ParseExpression() is not CallExpr call) throw new TemplateSyntaxException("expected call", line);
        int savedDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBody(["endcall"], dropNeedle: true);
        _loopDepth = savedDepth;
        return new CallBlockStmt(call, parameters, body, line);
    }

    private FilterBlockStmt ParseFilterBlock()
    {
        int line = _stream.Next().Line;
        var filter = (FilterExpr)ParseFilter(null, startInline: true)!;
        return new FilterBlockStmt(filter, ParseBody(["endfilter"], dropNeedle: true), line);
    }

    private WithStmt ParseWith()
    {
        int line = _stream.Next().Line;
        var assignments = new List<(Expr, Expr)>();
        while (_stream.Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0) _stream.ExpectOperator(",");
            var target = ParseAssignTarget();
            _stream.ExpectOperator("=");
            assignments.Add((target, ParseExpression()));
        }
        return new WithStmt(assignments, ParseBody(["endwith"], dropNeedle: true), line);
    }

    private ScopeStmt ParsePrint()
    {
        int line = _stream.Next().Line;
        var outputs = new List<Stmt>();
        while (_stream.Current.Kind != TokenKind.BlockEnd)
        {
            if (outputs.Count > 0) _stream.ExpectOperator(",");
            outputs.Add(new OutputStmt(ParseExpression(), line));
        }
        return new ScopeStmt(outputs, line);
    }

    private ScopeStmt ParseBlock()
    {
        int line = _stream.Next().Line;
        string name = _stream.Expect(TokenKind.Name, "name").Text;
        _stream.SkipIfName("scoped");
        _stream.SkipIfName("required");
        var body = ParseBody(["endblock"], dropNeedle: true);
        _stream.SkipIfName(name);
        return new ScopeStmt(body, line);
    }

    /// <summary>Hugging Face's <c>{% generation %}</c> only marks assistant text for masks; it renders its body unchanged.</summary>
    private ScopeStmt ParseGeneration()
    {
        int line = _stream.Next().Line;
        return new ScopeStmt(ParseBody(["endgeneration"], dropNeedle: true), line);
    }

    private Stmt ParseLoopControl()
    {
        var token = _stream.Next();
        if (_loopDepth == 0) throw new TemplateSyntaxException($"'{token.Text}' outside loop", token.Line);
        return token.Text == "break" ? new BreakStmt(token.Line) : new ContinueStmt(token.Line);
    }
}
