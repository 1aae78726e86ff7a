using System.Text;
using InferenceServer.Grammars.Ir;

namespace InferenceServer.Grammars.Choice;

/// <summary>The grammar of exactly one of a list of strings (vLLM's <c>guided_choice</c>).</summary>
public static class ChoiceCompiler
{
    public static Grammar Compile(IReadOnlyList<string> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count == 0) throw new ArgumentException("choice needs at least one string", nameof(choices));
        var builder = new GrammarBuilder();
        int root = builder.RuleId("root");
        builder.Define(root, choices.Select(c => (IReadOnlyList<GrammarElement>)[.. Encoding.UTF8.GetBytes(c).Select(GrammarElement.Byte)]));
        return builder.Build("root");
    }
}
