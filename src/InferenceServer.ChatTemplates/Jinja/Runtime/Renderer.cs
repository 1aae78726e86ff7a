using System.Text;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Syntax;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>Walks the syntax tree and writes the output; statements here, loops, assignment and expressions in the other parts.</summary>
internal sealed partial class Renderer(JinjaEnvironment env)
{
    private StringBuilder _out = new();

    public string Render(IReadOnlyList<Stmt> body, Scope scope)
    {
        _out = new StringBuilder();
        Execute(body, scope);
        return _out.ToString();
    }

    /// <summary>Renders <paramref name="body"/> into a string of its own (macro calls, block set, filter blocks).</summary>
    public string Capture(IReadOnlyList<Stmt> body, Scope scope)
    {
        var saved = _out;
        _out = new StringBuilder();
        try
        {
            Execute(body, scope);
            return _out.ToString();
        }
        finally
        {
            _out = saved;
        }
    }

    private Flow Execute(IReadOnlyList<Stmt> body, Scope scope)
    {
        foreach (var stmt in body)
        {
            var flow = Execute(stmt, scope);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow Execute(Stmt stmt, Scope scope)
    {
        try
        {
            return ExecuteUnchecked(stmt, scope);
        }
        catch (TemplateRuntimeException e) when (e.Line == 0)
        {
            throw new TemplateRuntimeException(e.Problem, stmt.Line);
        }
    }

    private Flow ExecuteUnchecked(Stmt stmt, Scope scope)
    {
        switch (stmt)
        {
            case TextStmt t:
                _out.Append(t.Text);
                return Flow.Normal;
            case OutputStmt o:
                _out.Append(PyRepr.Str(Evaluate(o.Value, scope)));
                return Flow.Normal;
            case IfStmt i:
                foreach (var (condition, body) in i.Branches)
                    if (PyTruth.IsTrue(Evaluate(condition, scope))) return Execute(body, scope);
                return Execute(i.Else, scope);
            case ForStmt f:
                RunLoop(f, Evaluate(f.Iterable, scope), scope, depth0: 0);
                return Flow.Normal;
            case SetStmt s:
                Assign(s.Target, Evaluate(s.Value, scope), scope);
                return Flow.Normal;
            case SetBlockStmt sb:
                object? captured = Capture(sb.Body, scope);
                Assign(sb.Target, sb.Filter is null ? captured : ApplyFilterChain(sb.Filter, captured, scope), scope);
                return Flow.Normal;
            case MacroStmt m:
                scope.Set(m.Name, new Macro(m.Name, m.Parameters, m.Body, scope, this));
                return Flow.Normal;
            case CallBlockStmt c:
                var caller = new Macro("caller", c.Parameters, c.Body, scope, this);
                var args = EvaluateArguments(c.Call.Args, scope);
                var withCaller = new CallArguments(args.Positional, [.. args.Named, new("caller", caller)]);
                _out.Append(PyRepr.Str(Invoke(Evaluate(c.Call.Callee, scope), withCaller)));
                return Flow.Normal;
            case FilterBlockStmt fb:
                _out.Append(PyRepr.Str(ApplyFilterChain(fb.Filter, Capture(fb.Body, new Scope(scope)), scope)));
                return Flow.Normal;
            case WithStmt w:
                var inner = new Scope(scope);
                foreach (var (target, value) in w.Assignments) Assign(target, Evaluate(value, scope), inner);
                return Execute(w.Body, inner);
            case ScopeStmt sc:
                return Execute(sc.Body, new Scope(scope));
            case BreakStmt:
                return Flow.Break;
            case ContinueStmt:
                return Flow.Continue;
            default:
                throw new InvalidOperationException($"unknown statement {stmt.GetType().Name}");
        }
    }

    /// <summary>Applies <c>| a | b(args)</c> written without a value (set and filter blocks) to <paramref name="input"/>.</summary>
    private object? ApplyFilterChain(FilterExpr filter, object? input, Scope scope)
    {
        object? value = filter.Value switch
        {
            null => input,
            FilterExpr inner => ApplyFilterChain(inner, input, scope),
            var other => Evaluate(other, scope),
        };
        return env.CallFilter(filter.Name, value, EvaluateArguments(filter.Args, scope));
    }
}
