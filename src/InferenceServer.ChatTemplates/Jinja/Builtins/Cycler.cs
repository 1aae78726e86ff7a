using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>Jinja2's <c>cycler(a, b, ...)</c>: <c>next()</c> returns the items in turn, <c>current</c> the one next() will return, <c>reset()</c> starts over.</summary>
internal sealed class Cycler(List<object?> items) : IHasAttributes
{
    private int _position;

    public object? GetAttribute(string name) => name switch
    {
        "current" => items.Count > 0 ? items[_position] : Undefined.WithHint("cycler has no items"),
        "next" => new BuiltinFunction("next", _ => Next()),
        "reset" => new BuiltinFunction("reset", _ =>
        {
            _position = 0;
            return null;
        }),
        _ => Undefined.Attribute(this, name),
    };

    private object? Next()
    {
        if (items.Count == 0) throw new TemplateRuntimeException("cycler has no items");
        var item = items[_position];
        _position = (_position + 1) % items.Count;
        return item;
    }
}
