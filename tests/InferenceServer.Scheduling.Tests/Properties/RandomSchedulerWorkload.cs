using InferenceServer.KvCache;
using InferenceServer.KvCache.Hashing;

using InferenceServer.Scheduling.Tests.Support;

namespace InferenceServer.Scheduling.Tests.Properties;
/// <summary>
/// A seeded random workload: requests arrive over time with shared prefixes in two namespaces, random lengths,
/// max tokens and priorities, some are cancelled or stopped early, and the pool is small enough that preemption must happen.
/// </summary>
internal sealed class RandomSchedulerWorkload
{
    private static readonly CacheNamespace[] Namespaces = [new("m@1"), new("m@1", AdapterId: "lora-a")];

    private readonly Random _rng;
    private readonly int[][] _prefixes;
    private readonly List<long> _live = [];

    public RandomSchedulerWorkload(int seed, int blockSize, int numBlocks, SchedulerOptions options, IPreemptionPolicy policy)
    {
        _rng = new Random(seed);
        Kv = new KvCacheManager(numBlocks, blockSize);
        Options = options;
        Scheduler = new Scheduler(Kv, options, policy);
        Runner = new PagedRunner(Scheduler, Kv, options);
        _prefixes = new int[3][];
        for (int g = 0; g < _prefixes.Length; g++) _prefixes[g] = RandomTokens(_rng.Next(blockSize, 4 * blockSize));
    }

    public KvCacheManager Kv { get; }

    public SchedulerOptions Options { get; }

    public Scheduler Scheduler { get; }

    public PagedRunner Runner { get; }

    /// <summary>Requests cancelled or finished early (as on EOS or a stop string) by the caller.</summary>
    public HashSet<long> EndedEarly { get; } = [];

    public void Run(int numRequests, double endEarlyRate, int corruptAtStep = -1)
    {
        long nextId = 1;
        int guard = 0;
        while (nextId <= numRequests || Scheduler.HasUnfinished)
        {
            Assert.True(++guard < 100_000, "the workload never drained (livelock?)");
            while (nextId <= numRequests && _rng.NextDouble() < 0.35) Runner.Add(NewRequest(nextId++));
            if (_rng.NextDouble() < endEarlyRate) EndOneEarly();
            if (guard == corruptAtStep) Runner.CorruptAllSlots();
            Runner.Step();
        }
    }

    private ScheduledRequest NewRequest(long id)
    {
        int[] prompt = _rng.NextDouble() < 0.6
            ? [.. _prefixes[_rng.Next(_prefixes.Length)], .. RandomTokens(_rng.Next(1, 40))]
            : RandomTokens(_rng.Next(1, 60));
        _live.Add(id);
        return new ScheduledRequest(id, prompt, _rng.Next(1, 30), Namespaces[_rng.Next(Namespaces.Length)], _rng.Next(4));
    }

    private void EndOneEarly()
    {
        _live.RemoveAll(id => Runner.Tracks[id].Request.Status == RequestStatus.Finished);
        if (_live.Count == 0) return;
        long victim = _live[_rng.Next(_live.Count)];
        bool ended = _rng.Next(2) == 0 ? Scheduler.Cancel(victim) : Scheduler.Finish(victim);
        if (ended) EndedEarly.Add(victim);
    }

    private int[] RandomTokens(int count)
    {
        var tokens = new int[count];
        for (int i = 0; i < count; i++) tokens[i] = _rng.Next(FakeModel.Vocab);
        return tokens;
    }
}
