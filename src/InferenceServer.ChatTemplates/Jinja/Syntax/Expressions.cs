namespace InferenceServer.ChatTemplates.Jinja.Syntax;

/// <summary>An expression of the template language; every node remembers its source line for error messages.</summary>
internal abstract record Expr(int Line);

/// <summary>A literal: string, integer, float, true/false or none.</summary>
internal sealed record LiteralExpr(object? Value, int Line) : Expr(Line);

/// <summary>A variable read.</summary>
internal sealed record NameExpr(string Name, int Line) : Expr(Line);

/// <summary><c>[a, b]</c>, or <c>(a, b)</c> when <see cref="IsTuple"/>.</summary>
internal sealed record ListExpr(IReadOnlyList<Expr> Items, bool IsTuple, int Line) : Expr(Line);

/// <summary><c>{key: value, ...}</c>.</summary>
internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Pairs, int Line) : Expr(Line);

/// <summary><c>obj.name</c>.</summary>
internal sealed record AttributeExpr(Expr Target, string Name, int Line) : Expr(Line);

/// <summary><c>obj[key]</c>; the key may be a <see cref="SliceExpr"/>.</summary>
internal sealed record ItemExpr(Expr Target, Expr Key, int Line) : Expr(Line);

/// <summary><c>start:stop:step</c> inside brackets; missing parts are null.</summary>
internal sealed record SliceExpr(Expr? Start, Expr? Stop, Expr? Step, int Line) : Expr(Line);

/// <summary>Arguments as written at a call, filter or test: positional, keyword, <c>*args</c>, <c>**kwargs</c>.</summary>
internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Keywords, Expr? Star, Expr? DoubleStar)
{
    public static readonly Arguments None = new([], [], null, null);
}

/// <summary><c>callee(args)</c>.</summary>
internal sealed record CallExpr(Expr Callee, Arguments Args, int Line) : Expr(Line);

/// <summary><c>value | name(args)</c>; the value is null for a <c>{% filter %}</c> block, which filters its body.</summary>
internal sealed record FilterExpr(Expr? Value, string Name, Arguments Args, int Line) : Expr(Line);

/// <summary><c>value is name(args)</c>.</summary>
internal sealed record TestExpr(Expr Value, string Name, Arguments Args, int Line) : Expr(Line);

/// <summary>A unary operator: <c>-</c>, <c>+</c> or <c>not</c>.</summary>
internal sealed record UnaryExpr(string Operator, Expr Operand, int Line) : Expr(Line);

/// <summary>An arithmetic operator (<c>+ - * / // % **</c>), or <c>and</c>/<c>or</c> which short-circuit.</summary>
internal sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int Line) : Expr(Line);

/// <summary>A comparison chain: <c>a &lt; b &lt;= c</c>, <c>x in y</c>, <c>x not in y</c>.</summary>
internal sealed record CompareExpr(Expr First, IReadOnlyList<(string Operator, Expr Operand)> Rest, int Line) : Expr(Line);

/// <summary><c>a ~ b ~ c</c>: string concatenation of each operand's str().</summary>
internal sealed record ConcatExpr(IReadOnlyList<Expr> Parts, int Line) : Expr(Line);

/// <summary><c>then if condition else otherwise</c>; without <c>else</c> the result is undefined.</summary>
internal sealed record ConditionalExpr(Expr Condition, Expr Then, Expr? Otherwise, int Line) : Expr(Line);

/// <summary>An assignment target <c>ns.attr</c> (only namespaces accept attribute assignment).</summary>
internal sealed record NamespaceRefExpr(string Namespace, string Attribute, int Line) : Expr(Line);
