namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>Chat logprobs: one entry per generated token.</summary>
public sealed record ChatLogprobs(List<ChatTokenLogprob> Content);

/// <summary>A generated token, its log-probability, its UTF-8 bytes and the top alternatives.</summary>
public sealed record ChatTokenLogprob(string Token, float Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<ChatTopLogprob> TopLogprobs);

/// <summary>An alternative token at one position.</summary>
public sealed record ChatTopLogprob(string Token, float Logprob, IReadOnlyList<int> Bytes);
