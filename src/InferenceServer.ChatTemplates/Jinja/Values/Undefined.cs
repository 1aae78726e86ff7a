using InferenceServer.ChatTemplates.Jinja.Python;

namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>Jinja2's default Undefined: prints as nothing, is false and empty, and fails when anything more is asked of it.</summary>
internal sealed class Undefined
{
    private Undefined(string message) => Message = message;

    /// <summary>Jinja2's wording of why the value is missing, used when it is misused.</summary>
    public string Message { get; }

    public static Undefined Name(string name) => new($"{PyRepr.Repr(name)} is undefined");

    public static Undefined Attribute(object? owner, string name) =>
        new($"{PyRepr.Repr(PyTypes.ObjectTypeRepr(owner))} has no attribute {PyRepr.Repr(name)}");

    public static Undefined Element(object? owner, object? key) =>
        key is string s ? Attribute(owner, s) : new($"{PyTypes.ObjectTypeRepr(owner)} has no element {PyRepr.Repr(key)}");

    public static Undefined WithHint(string hint) => new(hint);

    /// <summary>The error Jinja2 raises when an undefined value is used (attribute, call, arithmetic).</summary>
    public TemplateRuntimeException Error() => new(Message);
}
