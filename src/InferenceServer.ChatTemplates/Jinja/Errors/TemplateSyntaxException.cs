namespace InferenceServer.ChatTemplates.Jinja;

/// <summary>The template source is not valid Jinja; the message starts with the line it was found on.</summary>
public sealed class TemplateSyntaxException : TemplateException
{
    public TemplateSyntaxException(string problem, int line) : base($"line {line}: {problem}")
    {
        Problem = problem;
        Line = line;
    }

    public TemplateSyntaxException() { Problem = ""; }
    public TemplateSyntaxException(string message) : base(message) { Problem = message; }
    public TemplateSyntaxException(string message, Exception inner) : base(message, inner) { Problem = message; }

    /// <summary>What is wrong, without the line prefix.</summary>
    public string Problem { get; }

    /// <summary>1-based line of the template where the problem was found.</summary>
    public int Line { get; }
}
