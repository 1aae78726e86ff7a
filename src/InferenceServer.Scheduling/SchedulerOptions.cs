namespace InferenceServer.Scheduling;

/// <summary>Limits of one engine step: the token budget, the sequence cap, the longest prefill chunk and the longest request.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Tokens (decode and prefill together) computed in one step.</summary>
    public int MaxNumBatchedTokens { get; init; } = 2048;

    /// <summary>Requests running at once.</summary>
    public int MaxNumSeqs { get; init; } = 256;

    /// <summary>
    /// Most tokens one request may prefill in a step; null lets one prompt take the whole remaining budget.
    /// Capping it lets several prompts share a step instead of the longest one starving the others.
    /// </summary>
    public int? LongPrefillChunk { get; init; }

    /// <summary>
    /// Most prompt plus generated tokens one request may hold; null: as many as the KV pool holds. It sizes the
    /// block tables the step's record carries (one per running request), so set it where the pool is much
    /// larger than a context.
    /// </summary>
    public int? MaxModelLen { get; init; }

    /// <summary>Throws when a limit is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNumBatchedTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNumSeqs);
        if (LongPrefillChunk is { } chunk) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunk);
        if (MaxModelLen is { } length) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
    }
}
