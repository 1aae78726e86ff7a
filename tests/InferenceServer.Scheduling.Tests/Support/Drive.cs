using InferenceServer.KvCache.Hashing;

namespace InferenceServer.Scheduling.Tests.Support;

/// <summary>Helpers that run scheduler steps with a trivial sampler and keep copies of what was scheduled.</summary>
internal static class Drive
{
    public static readonly CacheNamespace Ns = new("m@1");

    public static ScheduledRequest Request(long id, int promptLength, int maxTokens, int priority = 0, int firstToken = 1000) =>
        new(id, Enumerable.Range(firstToken, promptLength).ToArray(), maxTokens, Ns, priority);

    /// <summary>One step: a copy of its items, then the update with token 1 for each that produces one.</summary>
    public static ScheduledItem[] Step(Scheduler scheduler, out long[] preempted, out long[] finished)
    {
        var output = scheduler.Step();
        var items = output.Items.ToArray();
        preempted = [.. output.PreemptedIds];
        finished = [.. output.FinishedIds];
        scheduler.UpdateAfterStep(Enumerable.Repeat(1, items.Length).ToArray());
        return items;
    }

    public static ScheduledItem[] Step(Scheduler scheduler) => Step(scheduler, out _, out _);

    public static ScheduledItem Of(ScheduledItem[] items, long id) => items.Single(i => i.RequestId == id);
}
