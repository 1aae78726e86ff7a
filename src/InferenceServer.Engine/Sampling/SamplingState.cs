namespace InferenceServer.Engine.Sampling;

/// <summary>What sampling remembers about one sequence: its random stream and, when penalties are on, the tokens seen.</summary>
public sealed class SamplingState
{
    private readonly Dictionary<int, int>? _outputCounts;
    private readonly HashSet<int>? _promptTokens;
    private Xoshiro256 _rng;

    public SamplingState(SamplingParams parameters, ReadOnlySpan<int> prompt)
    {
        Parameters = parameters;
        _rng = new Xoshiro256(parameters.Seed ?? (ulong)Random.Shared.NextInt64());
        if (parameters.HasPenalties)
        {
            _outputCounts = [];
            _promptTokens = [];
            foreach (var id in prompt) _promptTokens.Add(id);
        }
    }

    public SamplingParams Parameters { get; }

    internal Dictionary<int, int>? OutputCounts => _outputCounts;
    internal HashSet<int>? PromptTokens => _promptTokens;

    internal double NextUniform() => _rng.NextDouble();

    /// <summary>Records a generated token for the penalties.</summary>
    public void Append(int token)
    {
        if (_outputCounts == null) return;
        _outputCounts[token] = _outputCounts.TryGetValue(token, out int c) ? c + 1 : 1;
    }
}
