namespace InferenceServer.Engine.Sampling;

/// <summary>A candidate token and its log-probability.</summary>
public readonly record struct TokenLogprob(int TokenId, float Logprob);

/// <summary>The token chosen at one step, with its log-probability and the top alternatives when asked for.</summary>
public readonly record struct SampledToken(int TokenId, float Logprob, TokenLogprob[]? TopLogprobs);
