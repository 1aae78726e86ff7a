namespace InferenceServer.ChatTemplates.Jinja.Syntax;

/// <summary>A statement of the template body; each remembers its source line.</summary>
internal abstract record Stmt(int Line);

/// <summary>Literal template text.</summary>
internal sealed record TextStmt(string Text, int Line) : Stmt(Line);

/// <summary><c>{{ expr }}</c> or <c>{% print expr %}</c>.</summary>
internal sealed record OutputStmt(Expr Value, int Line) : Stmt(Line);

/// <summary><c>if</c>/<c>elif</c> branches in order, then the <c>else</c> body.</summary>
internal sealed record IfStmt(IReadOnlyList<(Expr Condition, IReadOnlyList<Stmt> Body)> Branches, IReadOnlyList<Stmt> Else, int Line) : Stmt(Line);

/// <summary><c>for target in iterable [if filter] [recursive]</c> with an optional <c>else</c> for no iterations.</summary>
internal sealed record ForStmt(Expr Target, Expr Iterable, Expr? Filter, bool Recursive, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> Else, int Line) : Stmt(Line);

/// <summary><c>set target = value</c>.</summary>
internal sealed record SetStmt(Expr Target, Expr Value, int Line) : Stmt(Line);

/// <summary><c>{% set target %}body{% endset %}</c>, optionally piped through filters.</summary>
internal sealed record SetBlockStmt(Expr Target, FilterExpr? Filter, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary>A macro parameter and its default value expression, if any.</summary>
internal sealed record Parameter(string Name, Expr? Default);

/// <summary><c>{% macro name(params) %}body{% endmacro %}</c>.</summary>
internal sealed record MacroStmt(string Name, IReadOnlyList<Parameter> Parameters, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body becomes the macro's <c>caller()</c>.</summary>
internal sealed record CallBlockStmt(CallExpr Call, IReadOnlyList<Parameter> Parameters, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary><c>{% filter name(args) %}body{% endfilter %}</c>.</summary>
internal sealed record FilterBlockStmt(FilterExpr Filter, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary><c>{% with a = 1 %}body{% endwith %}</c>: assignments visible only inside.</summary>
internal sealed record WithStmt(IReadOnlyList<(Expr Target, Expr Value)> Assignments, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary>A body rendered in place in its own scope: <c>{% block %}</c>, or Hugging Face's <c>{% generation %}</c> marker.</summary>
internal sealed record ScopeStmt(IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary><c>{% break %}</c> (loopcontrols extension).</summary>
internal sealed record BreakStmt(int Line) : Stmt(Line);

/// <summary><c>{% continue %}</c> (loopcontrols extension).</summary>
internal sealed record ContinueStmt(int Line) : Stmt(Line);
