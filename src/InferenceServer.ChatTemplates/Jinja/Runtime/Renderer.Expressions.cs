using System.Text;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Syntax;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>Expression evaluation with Python semantics: short-circuit and/or, chained comparisons, Jinja2's attribute and item lookup.</summary>
internal sealed partial class Renderer
{
    public object? Evaluate(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr l:
                return l.Value;
            case NameExpr n:
                return scope.TryGet(n.Name, out var v) ? v : Undefined.Name(n.Name);
            case ListExpr l:
                return new JinjaList(l.Items.Select(i => Evaluate(i, scope)).ToList(), l.IsTuple);
            case DictExpr d:
                var dict = new JinjaDict();
                foreach (var (key, value) in d.Pairs) dict.Set(Evaluate(key, scope), Evaluate(value, scope));
                return dict;
            case AttributeExpr a:
                return PyAccess.GetAttribute(Evaluate(a.Target, scope), a.Name);
            case ItemExpr i:
                return PyAccess.GetItem(Evaluate(i.Target, scope), Evaluate(i.Key, scope));
            case SliceExpr s:
                return new SliceValue(EvaluateOptional(s.Start, scope), EvaluateOptional(s.Stop, scope), EvaluateOptional(s.Step, scope));
            case CallExpr c:
                return Invoke(Evaluate(c.Callee, scope), EvaluateArguments(c.Args, scope));
            case FilterExpr f:
                return env.CallFilter(f.Name, f.Value is null ? null : Evaluate(f.Value, scope), EvaluateArguments(f.Args, scope));
            case TestExpr t:
                return env.CallTest(t.Name, Evaluate(t.Value, scope), EvaluateArguments(t.Args, scope));
            case UnaryExpr u:
                var operand = Evaluate(u.Operand, scope);
                return u.Operator switch
                {
                    "not" => !PyTruth.IsTrue(operand),
                    "-" => PyArithmetic.Negate(operand),
                    _ => PyArithmetic.Plus(operand),
                };
            case BinaryExpr b:
                return EvaluateBinary(b, scope);
            case CompareExpr c:
                return EvaluateCompare(c, scope);
            case ConcatExpr c:
                var sb = new StringBuilder();
                foreach (var part in c.Parts) sb.Append(PyRepr.Str(Evaluate(part, scope)));
                return sb.ToString();
            case ConditionalExpr c:
                if (PyTruth.IsTrue(Evaluate(c.Condition, scope))) return Evaluate(c.Then, scope);
                return c.Otherwise is null
                    ? Undefined.WithHint($"the inline if-expression on line {c.Line} evaluated to false and no else section was defined.")
                    : Evaluate(c.Otherwise, scope);
            case NamespaceRefExpr r:
                return PyAccess.GetAttribute(scope.TryGet(r.Namespace, out var ns) ? ns : Undefined.Name(r.Namespace), r.Attribute);
            default:
                throw new InvalidOperationException($"unknown expression {expr.GetType().Name}");
        }
    }

    private object? EvaluateOptional(Expr? e, Scope scope) => e is null ? null : Evaluate(e, scope);

    private object? EvaluateBinary(BinaryExpr b, Scope scope)
    {
        var left = Evaluate(b.Left, scope);
        switch (b.Operator)
        {
            case "and": return PyTruth.IsTrue(left) ? Evaluate(b.Right, scope) : left;
            case "or": return PyTruth.IsTrue(left) ? left : Evaluate(b.Right, scope);
        }
        var right = Evaluate(b.Right, scope);
        return b.Operator switch
        {
            "+" => PyArithmetic.Add(left, right),
            "-" => PyArithmetic.Subtract(left, right),
            "*" => PyArithmetic.Multiply(left, right),
            "/" => PyArithmetic.Divide(left, right),
            "//" => PyArithmetic.FloorDivide(left, right),
            "%" => PyArithmetic.Modulo(left, right),
            _ => PyArithmetic.Power(left, right),
        };
    }

    private bool EvaluateCompare(CompareExpr c, Scope scope)
    {
        var left = Evaluate(c.First, scope);
        foreach (var (op, operand) in c.Rest)
        {
            var right = Evaluate(operand, scope);
            bool holds = op switch
            {
                "==" => PyEquality.Equal(left, right),
                "!=" => !PyEquality.Equal(left, right),
                "<" => PyOrdering.Compare(left, right, op) < 0,
                ">" => PyOrdering.Compare(left, right, op) > 0,
                "<=" => PyOrdering.Compare(left, right, op) <= 0,
                ">=" => PyOrdering.Compare(left, right, op) >= 0,
                "in" => PyIter.Contains(right, left),
                _ => !PyIter.Contains(right, left),
            };
            if (!holds) return false;
            left = right;
        }
        return true;
    }

    private CallArguments EvaluateArguments(Arguments a, Scope scope)
    {
        if (a.Positional.Count == 0 && a.Keywords.Count == 0 && a.Star is null && a.DoubleStar is null) return CallArguments.Empty;
        var positional = a.Positional.Select(p => Evaluate(p, scope)).ToList();
        if (a.Star is not null) positional.AddRange(PyIter.ToList(Evaluate(a.Star, scope)));
        var named = a.Keywords.Select(k => new KeyValuePair<string, object?>(k.Name, Evaluate(k.Value, scope))).ToList();
        if (a.DoubleStar is not null)
        {
            if (Evaluate(a.DoubleStar, scope) is not JinjaDict extra)
                throw new TemplateRuntimeException("argument after ** must be a mapping");
            foreach (var p in extra.Pairs)
                named.Add(new(p.Key as string ?? throw new TemplateRuntimeException("keywords must be strings"), p.Value));
        }
        return new CallArguments(positional, named);
    }

    private static object? Invoke(object? callee, CallArguments args) => callee switch
    {
        IJinjaCallable c => c.Call(args),
        Undefined u => throw u.Error(),
        _ => throw new TemplateRuntimeException($"'{PyTypes.Name(callee)}' object is not callable"),
    };
}
