namespace InferenceServer.Core.Errors;

/// <summary>Base type of every error the server reports to users with a clear message.</summary>
public class InferenceServerException : Exception
{
    public InferenceServerException(string message) : base(message) { }
    public InferenceServerException(string message, Exception inner) : base(message, inner) { }
    public InferenceServerException() { }
}
