namespace InferenceServer.Core.Errors;

/// <summary>A model, weight or tokenizer file could not be loaded; the message names the file and the problem.</summary>
public sealed class ModelLoadException : InferenceServerException
{
    public ModelLoadException(string path, string problem)
        : base($"{path}: {problem}") { FilePath = path; Problem = problem; }

    public ModelLoadException(string path, string problem, Exception inner)
        : base($"{path}: {problem}", inner) { FilePath = path; Problem = problem; }

    public ModelLoadException() : base() { FilePath = ""; Problem = ""; }
    public ModelLoadException(string message) : base(message) { FilePath = ""; Problem = message; }
    public ModelLoadException(string message, Exception inner) : base(message, inner) { FilePath = ""; Problem = message; }

    /// <summary>The file that failed to load.</summary>
    public string FilePath { get; }

    /// <summary>What was wrong with it.</summary>
    public string Problem { get; }
}
