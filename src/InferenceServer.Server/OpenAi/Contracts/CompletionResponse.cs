namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>A <c>text_completion</c> object: the whole answer, or one streamed chunk of it (usage then null until the last).</summary>
public sealed record CompletionResponse(string Id, string Object, long Created, string Model, IReadOnlyList<CompletionChoice> Choices,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] Usage? Usage);

/// <summary>One choice of a completion.</summary>
public sealed record CompletionChoice(int Index, string Text, CompletionLogprobs? Logprobs, string? FinishReason);

/// <summary>The legacy completions logprobs object: parallel lists per token.</summary>
public sealed record CompletionLogprobs(
    List<string> Tokens,
    List<float> TokenLogprobs,
    List<Dictionary<string, float>> TopLogprobs,
    List<int> TextOffset);
