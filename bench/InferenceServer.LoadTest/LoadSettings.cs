namespace InferenceServer.LoadTest;

/// <summary>What the load test runs: how many streaming clients, for how long, and the tokens each request asks for.</summary>
/// <param name="DisconnectFraction">Share of clients that leave each stream after a few events, as impatient users do.</param>
internal sealed record LoadSettings(int Clients, TimeSpan Duration, int MaxTokens, double DisconnectFraction = 0);
