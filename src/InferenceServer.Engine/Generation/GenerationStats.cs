namespace InferenceServer.Engine.Generation;

/// <summary>Token counts and wall-clock time of the prefill and decode phases of one generation.</summary>
public sealed record GenerationStats(int PromptTokens, TimeSpan PrefillTime, int GeneratedTokens, TimeSpan DecodeTime)
{
    public double PrefillTokensPerSecond => PrefillTime.TotalSeconds > 0 ? PromptTokens / PrefillTime.TotalSeconds : 0;

    /// <summary>Decode speed over the tokens after the first (the first comes out of prefill).</summary>
    public double DecodeTokensPerSecond => DecodeTime.TotalSeconds > 0 ? Math.Max(0, GeneratedTokens - 1) / DecodeTime.TotalSeconds : 0;
}
