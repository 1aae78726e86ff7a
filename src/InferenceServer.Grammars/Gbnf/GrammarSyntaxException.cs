using InferenceServer.Core.Errors;

namespace InferenceServer.Grammars.Gbnf;

/// <summary>A grammar text that cannot be compiled; the message gives the line and column of the problem.</summary>
public sealed class GrammarSyntaxException : InferenceServerException
{
    public GrammarSyntaxException()
    {
    }

    public GrammarSyntaxException(string message) : base(message)
    {
    }

    public GrammarSyntaxException(string message, Exception inner) : base(message, inner)
    {
    }

    public GrammarSyntaxException(string problem, int line, int column) : base($"grammar line {line}, column {column}: {problem}")
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line of the problem (0 when not tied to a place).</summary>
    public int Line { get; }

    /// <summary>1-based column of the problem.</summary>
    public int Column { get; }
}
