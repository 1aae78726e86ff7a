namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>A Python list, or a tuple when <see cref="IsTuple"/> (tuples print with parentheses and never equal lists).</summary>
internal sealed class JinjaList
{
    public JinjaList(List<object?> items, bool isTuple = false)
    {
        Items = items;
        IsTuple = isTuple;
    }

    public JinjaList() : this([]) { }

    public List<object?> Items { get; }

    public bool IsTuple { get; }

    public int Count => Items.Count;

    public static JinjaList Tuple(params object?[] items) => new([.. items], isTuple: true);
}
