namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>A <c>chat.completion</c> object (non-streaming answer).</summary>
public sealed record ChatCompletionResponse(string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage);

/// <summary>One choice of a chat completion.</summary>
public sealed record ChatChoice(int Index, ChatMessage Message, ChatLogprobs? Logprobs, string? FinishReason);

/// <summary>The assistant's message.</summary>
public sealed record ChatMessage(string Role, string Content, string? Refusal);
