namespace InferenceServer.Benchmarking.Client;

/// <summary>Which OpenAI API the benchmark streams from.</summary>
public enum EndpointKind
{
    /// <summary>POST /v1/completions with a prompt.</summary>
    Completions,

    /// <summary>POST /v1/chat/completions with one user message.</summary>
    Chat,
}
