namespace InferenceServer.Benchmarking.Datasets;

/// <summary>One request of a workload: the prompt text, its length in the model's tokens and the tokens to generate.</summary>
public sealed record BenchPrompt(string Prompt, int PromptTokens, int OutputTokens);
