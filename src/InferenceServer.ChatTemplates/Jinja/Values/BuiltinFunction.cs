namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>A callable implemented in C#: a global function or a method bound to its receiver.</summary>
internal sealed class BuiltinFunction(string name, Func<CallArguments, object?> body) : IJinjaCallable
{
    public string Name { get; } = name;

    public object? Call(CallArguments args) => body(args);

    public override string ToString() => $"<built-in method {Name}>";
}
