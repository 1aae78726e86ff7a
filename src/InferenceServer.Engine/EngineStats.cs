using InferenceServer.KvCache;

namespace InferenceServer.Engine;

/// <summary>A snapshot of the engine's load after a step, safe to read from any thread.</summary>
public sealed record EngineStats(
    int RunningRequests,
    int WaitingRequests,
    int TotalBlocks,
    int FreeBlocks,
    double KvCacheUsage,
    PrefixCacheStats PrefixCache,
    long Preemptions,
    long Steps)
{
    public static readonly EngineStats Empty = new(0, 0, 0, 0, 0, default, 0, 0);

    private static readonly IReadOnlyDictionary<string, int> None = new Dictionary<string, int>();

    /// <summary>Running requests per LoRA adapter name (base-model requests are not counted).</summary>
    public IReadOnlyDictionary<string, int> RunningPerAdapter { get; init; } = None;

    /// <summary>Waiting requests per LoRA adapter name (base-model requests are not counted).</summary>
    public IReadOnlyDictionary<string, int> WaitingPerAdapter { get; init; } = None;
}
