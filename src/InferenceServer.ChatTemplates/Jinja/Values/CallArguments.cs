namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>Evaluated arguments of a call, filter or test: positional values then keyword values, as Python passes them.</summary>
internal sealed class CallArguments
{
    public static readonly CallArguments Empty = new([], []);

    public CallArguments(IReadOnlyList<object?> positional, IReadOnlyList<KeyValuePair<string, object?>> named)
    {
        Positional = positional;
        Named = named;
    }

    public IReadOnlyList<object?> Positional { get; }

    public IReadOnlyList<KeyValuePair<string, object?>> Named { get; }

    public static CallArguments Of(params object?[] positional) => new(positional, []);

    /// <summary>The parameter at <paramref name="index"/> passed by position or by <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null) =>
        TryGet(index, name, out var v) ? v : fallback;

    public bool TryGet(int index, string name, out object? value)
    {
        if (index >= 0 && index < Positional.Count)
        {
            value = Positional[index];
            return true;
        }
        return TryGetNamed(name, out value);
    }

    public bool TryGetNamed(string name, out object? value)
    {
        foreach (var kv in Named)
        {
            if (kv.Key == name)
            {
                value = kv.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>The same arguments without the first <paramref name="count"/> positional ones.</summary>
    public CallArguments Skip(int count) => new(Positional.Skip(count).ToList(), Named);
}
