using InferenceServer.ChatTemplates.Jinja.Python;

namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>A Python dict: insertion-ordered, keys compared as Python compares them (1 == 1.0 == True).</summary>
internal sealed class JinjaDict
{
    // OrderedDictionary refuses null keys, so Python's None key is stored as this marker.
    private static readonly object NoneKey = new();
    private readonly OrderedDictionary<object, object?> _items = new(PyKeyComparer.Instance);

    public int Count => _items.Count;

    public void Set(object? key, object? value) => _items[Wrap(key)] = value;

    public bool TryGet(object? key, out object? value) => _items.TryGetValue(Wrap(key), out value);

    public bool ContainsKey(object? key) => _items.ContainsKey(Wrap(key));

    public IEnumerable<object?> Keys => _items.Keys.Select(Unwrap);

    public IEnumerable<object?> Values => _items.Values;

    public IEnumerable<KeyValuePair<object?, object?>> Pairs =>
        _items.Select(p => new KeyValuePair<object?, object?>(Unwrap(p.Key), p.Value));

    public JinjaDict Copy()
    {
        var copy = new JinjaDict();
        foreach (var p in _items) copy._items[p.Key] = p.Value;
        return copy;
    }

    private static object Wrap(object? key)
    {
        PyEquality.Hash(key); // lists and dicts are unhashable: fail as Python does
        return key ?? NoneKey;
    }

    private static object? Unwrap(object key) => ReferenceEquals(key, NoneKey) ? null : key;

    /// <summary>Hashes and compares dict keys with Python's rules.</summary>
    private sealed class PyKeyComparer : IEqualityComparer<object>
    {
        public static readonly PyKeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => ReferenceEquals(x, y) || PyEquality.Equal(x, y);

        public int GetHashCode(object obj) => ReferenceEquals(obj, NoneKey) ? 0 : PyEquality.Hash(obj);
    }
}
