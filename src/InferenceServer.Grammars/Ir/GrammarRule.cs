namespace InferenceServer.Grammars.Ir;

/// <summary>A named rule: alternatives, each a sequence of elements (an empty sequence matches nothing, i.e. ε).</summary>
public sealed record GrammarRule(string Name, IReadOnlyList<IReadOnlyList<GrammarElement>> Alternatives);
