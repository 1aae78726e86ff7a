namespace InferenceServer.Grammars.Ir;

/// <summary>
/// A compiled byte-level context-free grammar: rules indexed by position, the start rule, and every reference
/// checked to point at a rule. What every front end (GBNF, JSON Schema, regex, choice) compiles to and every
/// matcher runs.
/// </summary>
public sealed class Grammar
{
    public Grammar(IReadOnlyList<GrammarRule> rules, int root)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if ((uint)root >= (uint)rules.Count) throw new ArgumentOutOfRangeException(nameof(root));
        foreach (var rule in rules)
            foreach (var alternative in rule.Alternatives)
                foreach (var element in alternative)
                    if (!element.IsByteRange && element.Rule >= rules.Count)
                        throw new ArgumentException($"rule {rule.Name} refers to rule {element.Rule}, which does not exist");
        Rules = rules;
        Root = root;
    }

    public IReadOnlyList<GrammarRule> Rules { get; }

    /// <summary>The start rule's index.</summary>
    public int Root { get; }
}
