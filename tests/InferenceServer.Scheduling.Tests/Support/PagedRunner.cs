using InferenceServer.KvCache;

namespace InferenceServer.Scheduling.Tests.Support;

/// <summary>
/// The test's model runner: computes each scheduled item through the block table into a shadow KV pool (one
/// value per slot), reading the previous position's KV from its slot as paged attention would, and checks
/// every step's invariants on the way.
/// </summary>
internal sealed class PagedRunner
{
    private readonly Scheduler _scheduler;
    private readonly KvCacheManager _kv;
    private readonly SchedulerOptions _options;
    private readonly ulong[] _slots;
    private readonly HashSet<int> _writtenThisStep = [];
    private readonly HashSet<long> _scheduledThisStep = [];
    private int[] _sampled = new int[16];

    public PagedRunner(Scheduler scheduler, KvCacheManager kv, SchedulerOptions options)
    {
        _scheduler = scheduler;
        _kv = kv;
        _options = options;
        _slots = new ulong[kv.NumBlocks * kv.BlockSize];
    }

    public Dictionary<long, RequestTrack> Tracks { get; } = [];

    public int Steps { get; private set; }

    public int MixedSteps { get; private set; }

    /// <summary>Overwrites every slot's KV: a test of the runner itself, which must then see wrong outputs.</summary>
    public void CorruptAllSlots() => Array.Fill(_slots, 0xDEADBEEFUL);

    public void Add(ScheduledRequest request)
    {
        _scheduler.Add(request);
        Tracks.Add(request.Id, new RequestTrack(request));
    }

    public void Step()
    {
        var output = _scheduler.Step();
        Steps++;
        foreach (long id in output.PreemptedIds)
        {
            var track = Tracks[id];
            Assert.Equal(0, track.Request.NumComputedTokens);
            track.LostToPreemption += track.Computed;
            track.Computed = 0;
            track.AwaitingAdmission = true;
            track.Preemptions++;
        }

        Assert.True(output.TotalNumTokens <= _options.MaxNumBatchedTokens, $"{output.TotalNumTokens} tokens over the budget");
        Assert.True(output.Items.Count <= _options.MaxNumSeqs && _scheduler.Running.Count <= _options.MaxNumSeqs, "sequence cap exceeded");
        _writtenThisStep.Clear();
        _scheduledThisStep.Clear();
        if (_sampled.Length < output.Items.Count) _sampled = new int[output.Items.Count * 2];
        int sum = 0;
        bool anyPrefill = false, anyDecode = false;
        for (int i = 0; i < output.Items.Count; i++)
        {
            _sampled[i] = Compute(output, i);
            sum += output.Items[i].NumNewTokens;
            if (output.Items[i].IsPrefill) anyPrefill = true;
            else anyDecode = true;
        }
        if (anyPrefill && anyDecode) MixedSteps++;
        Assert.Equal(sum, output.TotalNumTokens);
        _scheduler.UpdateAfterStep(_sampled.AsSpan(0, output.Items.Count));
    }

    private int Compute(SchedulerOutput output, int index)
    {
        var item = output.Items[index];
        var request = item.Request;
        var track = Tracks[request.Id];
        Assert.True(_scheduledThisStep.Add(request.Id), "a request scheduled twice in one step");
        Assert.True(item.NumNewTokens > 0);
        var tokens = request.AllTokens;
        Assert.True(item.StartPosition + item.NumNewTokens <= tokens.Length);
        Assert.Equal(item.StartPosition + item.NumNewTokens == tokens.Length, item.ProducesToken);
        Assert.True(output.BlockTable(index).Length * _kv.BlockSize >= item.StartPosition + item.NumNewTokens);
        if (track.AwaitingAdmission)
        {
            // The cached prefix: its blocks must hold exactly this request's own prefix KV.
            int cached = item.StartPosition;
            Assert.True(cached % _kv.BlockSize == 0 && cached < tokens.Length, $"cached {cached}");
            var expected = FakeModel.Chain(tokens[..cached], request.Namespace);
            for (int p = 0; p < cached; p++)
                Assert.True(expected[p] == _slots[output.SlotFor(index, p)], $"request {request.Id}: reused block holds a different prefix at {p}");
            track.CachedAtAdmission += cached;
            track.AwaitingAdmission = false;
        }
        else
        {
            // Chunks are contiguous: each starts where the previous one ended.
            Assert.Equal(track.Computed, item.StartPosition);
        }
        if (item.IsPrefill && !item.ProducesToken) track.WasChunked = true;

        ulong prev = item.StartPosition == 0 ? FakeModel.Start(request.Namespace) : _slots[output.SlotFor(index, item.StartPosition - 1)];
        for (int p = item.StartPosition; p < item.StartPosition + item.NumNewTokens; p++)
        {
            int slot = output.SlotFor(index, p);
            Assert.True(_writtenThisStep.Add(slot), $"slot {slot} written twice in one step");
            prev = FakeModel.Kv(prev, tokens[p]);
            _slots[slot] = prev;
        }
        track.Scheduled += item.NumNewTokens;
        track.Computed = item.StartPosition + item.NumNewTokens;
        return item.ProducesToken ? FakeModel.NextToken(prev) : -1;
    }
}
