namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>
/// Variables visible at one point of a render. Loop iterations, macros and <c>with</c> blocks get a child scope, so a
/// <c>set</c> inside them does not leak out (Jinja2's rule, and why templates use <c>namespace()</c>); <c>if</c> does not.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._vars.TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _vars[name] = value;

    public Scope? Parent { get; } = parent;
}
