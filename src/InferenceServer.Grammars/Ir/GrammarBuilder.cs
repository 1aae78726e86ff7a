namespace InferenceServer.Grammars.Ir;

/// <summary>
/// Builds a <see cref="Grammar"/> rule by rule: named rules may be referenced before they are defined, and helper
/// rules (repetitions, groups, character classes) get fresh names derived from the rule they serve.
/// </summary>
public sealed class GrammarBuilder
{
    private readonly List<string> _names = [];
    private readonly List<List<IReadOnlyList<GrammarElement>>?> _bodies = [];
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    /// <summary>The index of rule <paramref name="name"/>, reserving it if it is not defined yet.</summary>
    public int RuleId(string name)
    {
        if (_byName.TryGetValue(name, out int id)) return id;
        id = _names.Count;
        _names.Add(name);
        _bodies.Add(null);
        _byName[name] = id;
        return id;
    }

    /// <summary>A new rule named after <paramref name="owner"/> (owner_1, owner_2, ...).</summary>
    public int FreshRule(string owner)
    {
        for (int i = 1; ; i++)
            if (!_byName.ContainsKey($"{owner}_{i}")) return RuleId($"{owner}_{i}");
    }

    /// <summary>Whether rule <paramref name="id"/> has a body.</summary>
    public bool IsDefined(int id) => _bodies[id] != null;

    /// <summary>The empty sequence (ε), for an alternative that matches nothing: <c>Helper(owner, x, Epsilon)</c> is x?.</summary>
    public static IReadOnlyList<GrammarElement> Epsilon { get; } = [];

    /// <summary>Gives rule <paramref name="id"/> its alternatives (at least one); a rule is defined once.</summary>
    public void Define(int id, IEnumerable<IReadOnlyList<GrammarElement>> alternatives)
    {
        ArgumentNullException.ThrowIfNull(alternatives);
        if (_bodies[id] != null) throw new InvalidOperationException($"rule {_names[id]} is defined twice");
        List<IReadOnlyList<GrammarElement>> body = [.. alternatives];
        // A rule without alternatives matches nothing: almost surely `Helper(owner, [])` meant ε (pass Epsilon).
        if (body.Count == 0) throw new ArgumentException($"rule {_names[id]} has no alternatives; use Epsilon for the empty sequence", nameof(alternatives));
        _bodies[id] = body;
    }

    /// <summary>A helper rule with these alternatives, returned as a reference to it.</summary>
    public GrammarElement Helper(string owner, params IReadOnlyList<GrammarElement>[] alternatives)
    {
        int id = FreshRule(owner);
        Define(id, alternatives);
        return GrammarElement.RuleRef(id);
    }

    /// <summary>
    /// <paramref name="item"/> repeated <paramref name="min"/> to <paramref name="max"/> times (null: unbounded), as the
    /// elements of one sequence, expanded as llama.cpp expands them: the minimum copies, then <c>R ::= item R | ε</c>
    /// for an open bound or max − min nested optionals for a closed one.
    /// </summary>
    public List<GrammarElement> Repeat(string owner, IReadOnlyList<GrammarElement> item, int min, int? max)
    {
        ArgumentNullException.ThrowIfNull(item);
        var elements = new List<GrammarElement>();
        for (int i = 0; i < min; i++) elements.AddRange(item);
        if (max is null)
        {
            int star = FreshRule(owner);
            Define(star, [[.. item, GrammarElement.RuleRef(star)], Epsilon]);
            elements.Add(GrammarElement.RuleRef(star));
            return elements;
        }
        GrammarElement? optional = null;
        for (int i = min; i < max; i++) optional = Helper(owner, optional is { } inner ? [.. item, inner] : item, Epsilon);
        if (optional is { } o) elements.Add(o);
        return elements;
    }

    /// <summary>The names of rules referenced but never defined.</summary>
    public IEnumerable<string> Undefined() => _names.Where((_, i) => _bodies[i] == null);

    public Grammar Build(string root)
    {
        if (!_byName.TryGetValue(root, out int rootId) || _bodies[rootId] == null) throw new InvalidOperationException($"the grammar has no rule '{root}'");
        if (Undefined().FirstOrDefault() is { } missing) throw new InvalidOperationException($"rule '{missing}' is referenced but not defined");
        return new Grammar([.. _names.Select((name, i) => new GrammarRule(name, _bodies[i]!))], rootId);
    }
}
