using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Syntax;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>For loops (filtered, recursive, with else) and assignment to names, tuples and namespace attributes.</summary>
internal sealed partial class Renderer
{
    private void RunLoop(ForStmt loop, object? iterable, Scope scope, int depth0)
    {
        var items = PyIter.ToList(iterable);
        if (loop.Filter is not null)
        {
            // The filter sees the loop target but not `loop`: the counters count only the items it keeps.
            items = items.Where(item =>
            {
                var probe = new Scope(scope);
                Assign(loop.Target, item, probe);
                return PyTruth.IsTrue(Evaluate(loop.Filter, probe));
            }).ToList();
        }
        if (items.Count == 0)
        {
            Execute(loop.Else, new Scope(scope));
            return;
        }
        Func<object?, int, string>? recurse = loop.Recursive ? (children, depth) => CaptureLoop(loop, children, scope, depth) : null;
        var context = new LoopContext(items, depth0, recurse);
        for (int i = 0; i < items.Count; i++)
        {
            context.Index0 = i;
            var iteration = new Scope(scope);
            Assign(loop.Target, items[i], iteration);
            iteration.Set("loop", context);
            if (Execute(loop.Body, iteration) == Flow.Break) break;
        }
    }

    private string CaptureLoop(ForStmt loop, object? iterable, Scope scope, int depth0)
    {
        var saved = _out;
        _out = new System.Text.StringBuilder();
        try
        {
            RunLoop(loop, iterable, scope, depth0);
            return _out.ToString();
        }
        finally
        {
            _out = saved;
        }
    }

    private void Assign(Expr target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameExpr n:
                scope.Set(n.Name, value);
                break;
            case ListExpr { IsTuple: true } t:
                var values = PyIter.ToList(value);
                if (values.Count < t.Items.Count)
                    throw new TemplateRuntimeException($"not enough values to unpack (expected {t.Items.Count}, got {values.Count})");
                if (values.Count > t.Items.Count)
                    throw new TemplateRuntimeException($"too many values to unpack (expected {t.Items.Count})");
                for (int i = 0; i < values.Count; i++) Assign(t.Items[i], values[i], scope);
                break;
            case NamespaceRefExpr r:
                if (!scope.TryGet(r.Namespace, out var ns) || ns is not JinjaNamespace space)
                    throw new TemplateRuntimeException("cannot assign attribute on non-namespace object");
                space.Attributes[r.Attribute] = value;
                break;
            default:
                throw new TemplateRuntimeException($"cannot assign to {target.GetType().Name}");
        }
    }
}
