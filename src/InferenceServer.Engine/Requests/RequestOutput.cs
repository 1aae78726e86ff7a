using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Engine.Requests;

/// <summary>
/// One step's output for a request: the sampled token (-1 on an abort with no token), the text it completes,
/// its sample details, the finish reason on the last output, and the token counts so far.
/// </summary>
public readonly record struct RequestOutput(long RequestId, int TokenId, string TextDelta, SampledToken Sample, FinishReason? Finish, RequestUsage Usage)
{
    /// <summary>Whether this is the request's last output.</summary>
    public bool IsFinal => Finish != null;

    /// <summary>Set on the last output of a request that failed alone (its finish reason is abort); the stream ends with it.</summary>
    public RequestFailedException? Error { get; init; }
}

/// <summary>Token counts of a request, as OpenAI's usage object reports them.</summary>
public readonly record struct RequestUsage(int PromptTokens, int CompletionTokens, int CachedPromptTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
