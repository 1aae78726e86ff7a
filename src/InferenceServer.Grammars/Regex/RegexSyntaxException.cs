using InferenceServer.Core.Errors;

namespace InferenceServer.Grammars.Regex;

/// <summary>A regular expression that cannot be compiled to a grammar; the message gives the 0-based position.</summary>
public sealed class RegexSyntaxException : InferenceServerException
{
    public RegexSyntaxException()
    {
    }

    public RegexSyntaxException(string message) : base(message)
    {
    }

    public RegexSyntaxException(string message, Exception inner) : base(message, inner)
    {
    }

    public RegexSyntaxException(string problem, int position) : base($"regex position {position}: {problem}") => Position = position;

    /// <summary>0-based index in the pattern.</summary>
    public int Position { get; }
}
