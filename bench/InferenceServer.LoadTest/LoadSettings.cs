namespace InferenceServer.LoadTest;

/// <summary>What the load test runs: how many streaming clients, for how long, and what each request asks for.</summary>
internal sealed record LoadSettings(int Clients, TimeSpan Duration, int MaxTokens, string Prompt, string Model);
