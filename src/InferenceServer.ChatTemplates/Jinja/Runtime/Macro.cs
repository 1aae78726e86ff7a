using InferenceServer.ChatTemplates.Jinja.Syntax;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>A <c>{% macro %}</c> (or the <c>caller</c> of a call block): calling it renders its body with the arguments bound, and returns the text.</summary>
internal sealed class Macro(string name, IReadOnlyList<Parameter> parameters, IReadOnlyList<Stmt> body, Scope closure, Renderer renderer)
    : IJinjaCallable
{
    public string Name { get; } = name;

    public object? Call(CallArguments args)
    {
        var scope = new Scope(closure);
        var extraKeywords = new JinjaDict();
        foreach (var (key, value) in args.Named)
        {
            if (key == "caller" || parameters.Any(p => p.Name == key)) continue;
            extraKeywords.Set(key, value);
        }
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            object? value;
            if (i < args.Positional.Count) value = args.Positional[i];
            else if (args.TryGetNamed(p.Name, out var named)) value = named;
            else if (p.Default is not null) value = renderer.Evaluate(p.Default, scope);
            else value = Undefined.WithHint($"parameter '{p.Name}' was not provided");
            scope.Set(p.Name, value);
        }
        scope.Set("varargs", new JinjaList(args.Positional.Skip(parameters.Count).ToList(), isTuple: true));
        scope.Set("kwargs", extraKeywords);
        if (args.TryGetNamed("caller", out var caller)) scope.Set("caller", caller);
        return renderer.Capture(body, scope);
    }

    public override string ToString() => $"<Macro '{Name}'>";
}
