using InferenceServer.Engine.Generation;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Engine.Tests.Batching;

/// <summary>Greedy outputs of one request run alone, without batching or prefix cache: what the engine must reproduce.</summary>
internal sealed class SoloReference(TextGenerator generator)
{
    private readonly Dictionary<string, int[]> _memo = [];

    public int[] Tokens(int[] prompt, SamplingParams sampling)
    {
        string key = string.Join(',', prompt) + "|" + sampling.MaxTokens + "|" + sampling.IgnoreEos;
        if (!_memo.TryGetValue(key, out var tokens))
        {
            tokens = [.. generator.Generate(prompt, sampling).Select(e => e.TokenId)];
            _memo[key] = tokens;
        }
        return tokens;
    }
}
