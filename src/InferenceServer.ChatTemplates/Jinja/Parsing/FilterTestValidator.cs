using InferenceServer.ChatTemplates.Jinja.Syntax;

namespace InferenceServer.ChatTemplates.Jinja.Parsing;

/// <summary>
/// Jinja2 rejects unknown filters and tests when compiling, except under an <c>if</c> (or inline if) in the same scope,
/// where they fail only if evaluated, so <c>{% if 'x' is filter %}{{ v|x }}{% endif %}</c> works. This checks the same way.
/// </summary>
internal sealed class FilterTestValidator(IReadOnlySet<string> filters, IReadOnlySet<string> tests)
{
    public void Check(IReadOnlyList<Stmt> body, bool soft = false)
    {
        foreach (var stmt in body) Check(stmt, soft);
    }

    private void Check(Stmt stmt, bool soft)
    {
        switch (stmt)
        {
            case OutputStmt o:
                Check(o.Value, soft);
                break;
            case IfStmt i:
                foreach (var (condition, branch) in i.Branches)
                {
                    Check(condition, soft: true);
                    Check(branch, soft: true);
                }
                Check(i.Else, soft: true);
                break;
            case ForStmt f:
                Check(f.Iterable, soft);
                if (f.Filter is not null) Check(f.Filter, soft: false);
                Check(f.Body);
                Check(f.Else);
                break;
            case SetStmt s:
                Check(s.Value, soft);
                break;
            case SetBlockStmt sb:
                if (sb.Filter is not null) Check(sb.Filter, soft);
                Check(sb.Body);
                break;
            case MacroStmt m:
                foreach (var p in m.Parameters) Check(p.Default, soft: false);
                Check(m.Body);
                break;
            case CallBlockStmt c:
                Check(c.Call, soft);
                foreach (var p in c.Parameters) Check(p.Default, soft: false);
                Check(c.Body);
                break;
            case FilterBlockStmt fb:
                Check(fb.Filter, soft);
                Check(fb.Body);
                break;
            case WithStmt w:
                foreach (var (_, value) in w.Assignments) Check(value, soft);
                Check(w.Body);
                break;
            case ScopeStmt sc:
                Check(sc.Body);
                break;
        }
    }

    private void Check(Expr? expr, bool soft)
    {
        switch (expr)
        {
            case null or LiteralExpr or NameExpr or NamespaceRefExpr:
                break;
            case ListExpr l:
                foreach (var item in l.Items) Check(item, soft);
                break;
            case DictExpr d:
                foreach (var (key, value) in d.Pairs)
                {
                    Check(key, soft);
                    Check(value, soft);
                }
                break;
            case AttributeExpr a:
                Check(a.Target, soft);
                break;
            case ItemExpr i:
                Check(i.Target, soft);
                Check(i.Key, soft);
                break;
            case SliceExpr s:
                Check(s.Start, soft);
                Check(s.Stop, soft);
                Check(s.Step, soft);
                break;
            case CallExpr c:
                Check(c.Callee, soft);
                Check(c.Args, soft);
                break;
            case FilterExpr f:
                if (!soft && !filters.Contains(f.Name)) throw new TemplateSyntaxException($"No filter named '{f.Name}'.", f.Line);
                Check(f.Value, soft);
                Check(f.Args, soft);
                break;
            case TestExpr t:
                if (!soft && !tests.Contains(t.Name)) throw new TemplateSyntaxException($"No test named '{t.Name}'.", t.Line);
                Check(t.Value, soft);
                Check(t.Args, soft);
                break;
            case UnaryExpr u:
                Check(u.Operand, soft);
                break;
            case BinaryExpr b:
                Check(b.Left, soft);
                Check(b.Right, soft);
                break;
            case CompareExpr c:
                Check(c.First, soft);
                foreach (var (_, operand) in c.Rest) Check(operand, soft);
                break;
            case ConcatExpr c:
                foreach (var part in c.Parts) Check(part, soft);
                break;
            case ConditionalExpr c:
                Check(c.Condition, soft: true);
                Check(c.Then, soft: true);
                Check(c.Otherwise, soft: true);
                break;
        }
    }

    private void Check(Arguments args, bool soft)
    {
        foreach (var p in args.Positional) Check(p, soft);
        foreach (var (_, value) in args.Keywords) Check(value, soft);
        Check(args.Star, soft);
        Check(args.DoubleStar, soft);
    }
}
