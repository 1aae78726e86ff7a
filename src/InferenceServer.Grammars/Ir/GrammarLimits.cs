namespace InferenceServer.Grammars.Ir;

/// <summary>Bounds every front end holds grammars to.</summary>
public static class GrammarLimits
{
    /// <summary>Largest repetition count accepted: larger ones expand to grammars too big to be useful.</summary>
    public const int MaxRepetition = 10_000;
}
