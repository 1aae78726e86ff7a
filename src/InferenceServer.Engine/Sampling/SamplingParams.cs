namespace InferenceServer.Engine.Sampling;

/// <summary>How to pick tokens and when to stop, with the meanings vLLM and OpenAI give these fields.</summary>
public sealed record SamplingParams
{
    /// <summary>0 means greedy.</summary>
    public float Temperature { get; init; } = 1.0f;
    /// <summary>0 or negative disables.</summary>
    public int TopK { get; init; }
    public float TopP { get; init; } = 1.0f;
    public float MinP { get; init; }
    /// <summary>HF-style: divides positive / multiplies negative logits of tokens seen in prompt or output; 1 disables.</summary>
    public float RepetitionPenalty { get; init; } = 1.0f;
    /// <summary>OpenAI-style: subtracted once from every token already generated.</summary>
    public float PresencePenalty { get; init; }
    /// <summary>OpenAI-style: subtracted per occurrence of a token already generated.</summary>
    public float FrequencyPenalty { get; init; }
    public ulong? Seed { get; init; }
    public int MaxTokens { get; init; } = 256;
    public IReadOnlyList<string> Stop { get; init; } = [];
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    /// <summary>Keep generating past the model's end-of-sequence tokens.</summary>
    public bool IgnoreEos { get; init; }
    /// <summary>Return the chosen token's log-probability and this many alternatives (null: no logprobs).</summary>
    public int? Logprobs { get; init; }

    /// <summary>OpenAI's logit_bias: added to a token's logit before sampling (-100 bans it in practice, 100 forces it).</summary>
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = NoBias;

    private static readonly Dictionary<int, float> NoBias = [];

    public bool IsGreedy => Temperature < 1e-5f;

    public bool HasPenalties => RepetitionPenalty != 1.0f || PresencePenalty != 0 || FrequencyPenalty != 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first out-of-range field.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Check(Temperature >= 0 && float.IsFinite(Temperature), $"temperature must be >= 0, got {Temperature}");
        Check(TopP > 0 && TopP <= 1, $"top_p must be in (0, 1], got {TopP}");
        Check(MinP >= 0 && MinP <= 1, $"min_p must be in [0, 1], got {MinP}");
        Check(RepetitionPenalty > 0 && float.IsFinite(RepetitionPenalty), $"repetition_penalty must be > 0, got {RepetitionPenalty}");
        Check(PresencePenalty is >= -2 and <= 2, $"presence_penalty must be in [-2, 2], got {PresencePenalty}");
        Check(FrequencyPenalty is >= -2 and <= 2, $"frequency_penalty must be in [-2, 2], got {FrequencyPenalty}");
        Check(MaxTokens >= 1, $"max_tokens must be at least 1, got {MaxTokens}");
        Check(Logprobs is null or (>= 0 and <= 20), $"logprobs must be in [0, 20], got {Logprobs}");
        Check(TopK >= -1, $"top_k must be -1 or 0 (disabled) or at least 1, got {TopK}");
        foreach (var (id, bias) in LogitBias)
            Check(bias is >= -100 and <= 100, $"logit_bias values must be in [-100, 100], got {bias} for token {id}");
        foreach (var s in Stop) Check(!string.IsNullOrEmpty(s), "stop strings must not be empty");
    }
}
