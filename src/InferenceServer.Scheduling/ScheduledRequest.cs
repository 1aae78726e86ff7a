using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;

namespace InferenceServer.Scheduling;

/// <summary>A request as the scheduler sees it: its tokens, limits, ordering keys and progress.</summary>
/// <remarks>
/// Prompt and generated tokens live in one array sized for prompt + max tokens, so appending a token never
/// allocates and the block manager can read all of them as one span.
/// </remarks>
public sealed class ScheduledRequest
{
    private readonly int[] _tokens;

    public ScheduledRequest(long id, ReadOnlySpan<int> promptTokens, int maxTokens, CacheNamespace cacheNamespace, int priority = 0)
    {
        if (promptTokens.IsEmpty) throw new ArgumentException("a request needs at least one prompt token", nameof(promptTokens));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        ArgumentNullException.ThrowIfNull(cacheNamespace.ModelVersion, nameof(cacheNamespace));
        Id = id;
        MaxTokens = maxTokens;
        Namespace = cacheNamespace;
        Priority = priority;
        PromptLength = promptTokens.Length;
        _tokens = new int[promptTokens.Length + maxTokens];
        promptTokens.CopyTo(_tokens);
        NumTokens = promptTokens.Length;
    }

    /// <summary>The request's id, also its block-manager sequence id.</summary>
    public long Id { get; }

    internal SequenceId Sequence => new(Id);

    /// <summary>Tokens to generate before the request finishes on length.</summary>
    public int MaxTokens { get; }

    /// <summary>Lower is more important (used by <see cref="PriorityPolicy"/>).</summary>
    public int Priority { get; }

    /// <summary>Order in which the scheduler received the request; set by <see cref="Scheduler.Add"/>.</summary>
    public long ArrivalOrder { get; internal set; }

    /// <summary>Model version, adapter and salt: whose cached prefix blocks this request may reuse.</summary>
    public CacheNamespace Namespace { get; }

    public RequestStatus Status { get; internal set; } = RequestStatus.Waiting;

    /// <summary>Leading tokens whose KV exists (computed or found cached); reset to 0 on preemption.</summary>
    public int NumComputedTokens { get; internal set; }

    /// <summary>Set by <see cref="Scheduler.Cancel"/>; the request leaves at the next step.</summary>
    public bool IsCancelled { get; internal set; }

    /// <summary>
    /// Set by the engine while the request's consumer is behind (backpressure): a running request keeps its
    /// blocks but is not scheduled until cleared.
    /// </summary>
    public bool IsPaused { get; set; }

    /// <summary>Whether the admission gate holds a reservation for the request.</summary>
    internal bool GateHeld { get; set; }

    /// <summary>Times the request lost its blocks to preemption.</summary>
    public int NumPreemptions { get; internal set; }

    public int PromptLength { get; }

    /// <summary>Prompt plus generated tokens.</summary>
    public int NumTokens { get; private set; }

    /// <summary>Prompt then generated tokens.</summary>
    public ReadOnlySpan<int> AllTokens => _tokens.AsSpan(0, NumTokens);

    public ReadOnlySpan<int> PromptTokens => _tokens.AsSpan(0, PromptLength);

    public ReadOnlySpan<int> GeneratedTokens => _tokens.AsSpan(PromptLength, NumTokens - PromptLength);

    public int NumGeneratedTokens => NumTokens - PromptLength;

    internal void AppendToken(int token) => _tokens[NumTokens++] = token;
}
