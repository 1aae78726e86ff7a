using InferenceServer.KvCache;

namespace InferenceServer.Scheduling;

/// <summary>
/// The plain record of one step that the runner turns into a batch. One instance is reused every step:
/// read it before the next <see cref="Scheduler.Step"/>.
/// </summary>
public sealed class SchedulerOutput
{
    private readonly KvCacheManager _kv;

    internal SchedulerOutput(KvCacheManager kv, int maxNumSeqs)
    {
        _kv = kv;
        Items = new List<ScheduledItem>(maxNumSeqs);
        PreemptedIds = new List<long>(maxNumSeqs);
        FinishedIds = new List<long>(maxNumSeqs);
    }

    /// <summary>Requests to compute this step, most important first.</summary>
    public List<ScheduledItem> Items { get; }

    /// <summary>Requests that lost their blocks this step: the runner drops their state.</summary>
    public List<long> PreemptedIds { get; }

    /// <summary>Requests that finished or were cancelled since the previous step: the runner drops their state.</summary>
    public List<long> FinishedIds { get; }

    /// <summary>Tokens computed this step, at most the token budget.</summary>
    public int TotalNumTokens { get; internal set; }

    /// <summary>The block table of the item's request (valid until the request is freed).</summary>
    public ReadOnlySpan<int> BlockTable(int itemIndex) => _kv.BlockTable(Items[itemIndex].Request.Sequence);

    /// <summary>The KV slot of a position of the item's request, as the runner's slot mapping holds it.</summary>
    public int SlotFor(int itemIndex, int position) => _kv.SlotFor(Items[itemIndex].Request.Sequence, position);

    internal void Clear()
    {
        Items.Clear();
        PreemptedIds.Clear();
        FinishedIds.Clear();
        TotalNumTokens = 0;
    }
}
