using System.Text.Json.Serialization;

namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>The fields completions and chat completions share: model, streaming, n, sampling and stop settings (plus vLLM's extras).</summary>
public abstract class SamplingRequest
{
    public string? Model { get; set; }
    public bool? Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public int? N { get; set; }
    public int? MaxTokens { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public float? PresencePenalty { get; set; }
    public float? FrequencyPenalty { get; set; }
    public long? Seed { get; set; }

    [JsonConverter(typeof(StopConverter))]
    public IReadOnlyList<string>? Stop { get; set; }

    /// <summary>End-user id; accepted for compatibility, not used.</summary>
    public string? User { get; set; }

    // vLLM's extra sampling parameters.
    public int? TopK { get; set; }
    public float? MinP { get; set; }
    public float? RepetitionPenalty { get; set; }
    public bool? IgnoreEos { get; set; }
    public IReadOnlyList<int>? StopTokenIds { get; set; }

    /// <summary>Token id (as a string key) → bias added to its logit, in [-100, 100].</summary>
    public Dictionary<string, float>? LogitBias { get; set; }

    /// <summary>vLLM V1 does not serve best_of either; anything but 1 is refused rather than ignored.</summary>
    public int? BestOf { get; set; }
    public string? CacheSalt { get; set; }

    /// <summary>The most tokens to generate, whichever field carries it (chat prefers max_completion_tokens).</summary>
    [JsonIgnore]
    public virtual int? RequestedMaxTokens => MaxTokens;

    /// <summary>The number of top alternatives asked for (null: no logprobs).</summary>
    [JsonIgnore]
    public abstract int? RequestedLogprobs { get; }
}
