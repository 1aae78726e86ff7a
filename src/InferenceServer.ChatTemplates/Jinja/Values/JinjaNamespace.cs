using InferenceServer.ChatTemplates.Jinja.Python;

namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>The object <c>namespace()</c> returns: the one thing a template may assign attributes on (<c>set ns.x = ...</c>), so state survives loop scopes.</summary>
internal sealed class JinjaNamespace : IHasAttributes
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    public object? GetAttribute(string name) =>
        Attributes.TryGetValue(name, out var v) ? v : Undefined.Attribute(this, name);

    public override string ToString() =>
        "<Namespace {" + string.Join(", ", Attributes.Select(a => $"{PyRepr.Repr(a.Key)}: {PyRepr.Repr(a.Value)}")) + "}>";
}
