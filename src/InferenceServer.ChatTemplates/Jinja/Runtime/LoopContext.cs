using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>The <c>loop</c> variable of a for loop: index/index0/revindex/first/last/length/previtem/nextitem/depth, cycle(), changed(), and loop(x) for recursive loops.</summary>
internal sealed class LoopContext(List<object?> items, int depth0, Func<object?, int, string>? recurse) : IHasAttributes, IJinjaCallable
{
    private object? _lastChanged = Undefined.WithHint("no previous value");

    public int Index0 { get; set; }

    public string Name => "loop";

    private int Length => items.Count;

    public object? GetAttribute(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => (long)(depth0 + 1),
        "depth0" => (long)depth0,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : Undefined.WithHint("there is no previous item"),
        "nextitem" => Index0 < Length - 1 ? items[Index0 + 1] : Undefined.WithHint("there is no next item"),
        "cycle" => new BuiltinFunction("cycle", Cycle),
        "changed" => new BuiltinFunction("changed", Changed),
        _ => Undefined.Attribute(this, name),
    };

    /// <summary><c>loop(children)</c> in a <c>recursive</c> loop renders the loop body again over the children, one level deeper.</summary>
    public object? Call(CallArguments args)
    {
        if (recurse is null)
            throw new TemplateRuntimeException("Tried to call non recursive loop. Maybe you forgot the 'recursive' modifier.");
        return recurse(args.Get(0, "iterable"), depth0 + 1);
    }

    private object? Cycle(CallArguments args) => args.Positional.Count == 0
        ? throw new TemplateRuntimeException("no items for cycling given")
        : args.Positional[Index0 % args.Positional.Count];

    private object? Changed(CallArguments args)
    {
        var value = new JinjaList([.. args.Positional], isTuple: true);
        if (PyEquality.Equal(value, _lastChanged)) return false;
        _lastChanged = value;
        return true;
    }

    public override string ToString() => $"<LoopContext {Index0 + 1}/{Length}>";
}
