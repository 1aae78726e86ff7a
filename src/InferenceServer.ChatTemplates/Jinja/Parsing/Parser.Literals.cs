using InferenceServer.ChatTemplates.Jinja.Lexing;
using InferenceServer.ChatTemplates.Jinja.Syntax;

namespace InferenceServer.ChatTemplates.Jinja.Parsing;

/// <summary>Tuples (with Jinja2's end rules), list and dict literals, and assignment targets.</summary>
internal sealed partial class Parser
{
    /// <summary>Jinja2's parse_tuple: an expression, or a tuple when commas separate several.</summary>
    private Expr ParseTuple(bool simplified = false, bool withCondexpr = true, string[]? extraEnd = null,
        bool explicitParentheses = false, bool withNamespace = false)
    {
        int line = _stream.Current.Line;
        var items = new List<Expr>();
        bool isTuple = false;
        while (true)
        {
            if (items.Count > 0) _stream.ExpectOperator(",");
            if (IsTupleEnd(extraEnd)) break;
            items.Add(simplified ? ParsePrimary(withNamespace) : ParseExpression(withCondexpr));
            if (_stream.Current.IsOperator(",")) isTuple = true;
            else break;
            line = _stream.Current.Line;
        }
        if (!isTuple)
        {
            if (items.Count > 0) return items[0];
            if (!explicitParentheses)
                throw new TemplateSyntaxException($"Expected an expression, got '{_stream.Current.Describe()}'", _stream.Current.Line);
        }
        return new ListExpr(items, IsTuple: true, line);
    }

    private bool IsTupleEnd(string[]? extraEnd)
    {
        var t = _stream.Current;
        if (t.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd || t.IsOperator(")")) return true;
        return extraEnd is not null && t.Kind == TokenKind.Name && extraEnd.Contains(t.Text);
    }

    private ListExpr ParseList()
    {
        int line = _stream.ExpectOperator("[").Line;
        var items = new List<Expr>();
        while (!_stream.Current.IsOperator("]"))
        {
            if (items.Count > 0) _stream.ExpectOperator(",");
            if (_stream.Current.IsOperator("]")) break;
            items.Add(ParseExpression());
        }
        _stream.ExpectOperator("]");
        return new ListExpr(items, IsTuple: false, line);
    }

    private DictExpr ParseDict()
    {
        int line = _stream.ExpectOperator("{").Line;
        var pairs = new List<(Expr, Expr)>();
        while (!_stream.Current.IsOperator("}"))
        {
            if (pairs.Count > 0) _stream.ExpectOperator(",");
            if (_stream.Current.IsOperator("}")) break;
            var key = ParseExpression();
            _stream.ExpectOperator(":");
            pairs.Add((key, ParseExpression()));
        }
        _stream.ExpectOperator("}");
        return new DictExpr(pairs, line);
    }

    /// <summary>An assignment target: a name, a tuple of names, or (for set) <c>ns.attr</c>.</summary>
    private Expr ParseAssignTarget(bool withTuple = true, string[]? extraEnd = null, bool withNamespace = false)
    {
        var target = withTuple
            ? ParseTuple(simplified: true, extraEnd: extraEnd, withNamespace: withNamespace)
            : ParsePrimary(withNamespace);
        if (!CanAssign(target))
            throw new TemplateSyntaxException($"can't assign to '{NodeKind(target)}'", target.Line);
        return target;
    }

    private static bool CanAssign(Expr e) => e switch
    {
        NameExpr or NamespaceRefExpr => true,
        ListExpr { IsTuple: true } t => t.Items.All(CanAssign),
        _ => false,
    };

    private static string NodeKind(Expr e) => e switch
    {
        LiteralExpr => "const",
        ListExpr { IsTuple: true } => "tuple",
        ListExpr => "list",
        DictExpr => "dict",
        _ => e.GetType().Name.Replace("Expr", "", StringComparison.Ordinal).ToLowerInvariant(),
    };
}
