namespace InferenceServer.ChatTemplates.Jinja;

/// <summary>Rendering failed (an undefined value used, a type error, a bad filter argument); the message names the line when known.</summary>
public sealed class TemplateRuntimeException : TemplateException
{
    public TemplateRuntimeException(string problem) : base(problem) { Problem = problem; }

    public TemplateRuntimeException(string problem, int line) : base($"line {line}: {problem}")
    {
        Problem = problem;
        Line = line;
    }

    public TemplateRuntimeException() { Problem = ""; }
    public TemplateRuntimeException(string message, Exception inner) : base(message, inner) { Problem = message; }

    /// <summary>What went wrong, without the line prefix (Jinja2's wording where it has one).</summary>
    public string Problem { get; }

    /// <summary>1-based template line of the statement that failed; 0 while not yet known.</summary>
    public int Line { get; }
}
