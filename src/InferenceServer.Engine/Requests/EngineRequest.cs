using InferenceServer.Engine.Sampling;

namespace InferenceServer.Engine.Requests;

/// <summary>What a client asks the engine for: prompt token ids, sampling and stop settings, cache salt and priority.</summary>
public sealed record EngineRequest
{
    public required IReadOnlyList<int> PromptTokens { get; init; }

    public SamplingParams Sampling { get; init; } = new();

    /// <summary>Name of a loaded LoRA adapter to apply (null: the base model).</summary>
    public string? Adapter { get; init; }

    /// <summary>Per-tenant salt: requests with different salts never share cached KV blocks.</summary>
    public string? CacheSalt { get; init; }

    /// <summary>Lower runs first under the priority policy.</summary>
    public int Priority { get; init; }

    /// <summary>When set, the request is aborted (finish reason abort) if it has not finished by then.</summary>
    public DateTimeOffset? Deadline { get; init; }
}
