using InferenceServer.KvCache;

namespace InferenceServer.Scheduling.Tests.Support;

/// <summary>
/// The test's model runner: computes each scheduled item from the step's record alone, as the engine's runner
/// does: it writes each row's KV to the row's slot of a shadow KV pool (one value per slot), reads earlier
/// positions' KV through the record's block table as paged attention would, and checks every step's
/// invariants on the way.
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
        Assert.True(output.Items.Length <= _options.MaxNumSeqs && _scheduler.Running.Count <= _options.MaxNumSeqs, "sequence cap exceeded");
        _writtenThisStep.Clear();
        _scheduledThisStep.Clear();
        if (_sampled.Length < output.Items.Length) _sampled = new int[output.Items.Length * 2];
        int sum = 0;
        bool anyPrefill = false, anyDecode = false;
        for (int i = 0; i < output.Items.Length; i++)
        {
            _sampled[i] = Compute(output, i);
            sum += output.Items[i].NumNewTokens;
            if (output.Items[i].IsPrefill) anyPrefill = true;
            else anyDecode = true;
        }
        if (anyPrefill && anyDecode) MixedSteps++;
        Assert.Equal(sum, output.TotalNumTokens);
        _scheduler.UpdateAfterStep(_sampled.AsSpan(0, output.Items.Length));
    }

    private int Compute(SchedulerOutput output, int index)
    {
        var item = output.Items[index];
        // The test's own handle on the request, for checking the record against it; the runner reads only the record.
        var track = Tracks[item.RequestId];
        var request = track.Request;
        Assert.True(_scheduledThisStep.Add(request.Id), "a request scheduled twice in one step");
        Assert.True(item.NumNewTokens > 0);
        var tokens = request.AllTokens;
        Assert.True(item.EndPosition <= tokens.Length);
        Assert.Equal(item.EndPosition == tokens.Length, item.ProducesToken);
        Assert.Equal(request.Namespace.AdapterId, item.AdapterId);
        Assert.Equal(index == 0 ? 0 : output.Items[index - 1].TokenOffset + output.Items[index - 1].NumNewTokens, item.TokenOffset);
        var rowTokens = output.TokenIds.Slice(item.TokenOffset, item.NumNewTokens);
        var rowSlots = output.SlotMapping.Slice(item.TokenOffset, item.NumNewTokens);
        Assert.True(rowTokens.SequenceEqual(tokens.Slice(item.StartPosition, item.NumNewTokens)), $"request {request.Id}: the record's token ids differ");
        var table = output.BlockTable(index);
        Assert.Equal((item.EndPosition + _kv.BlockSize - 1) / _kv.BlockSize, table.Length);
        if (track.AwaitingAdmission)
        {
            // The cached prefix: its blocks must hold exactly this request's own prefix KV.
            int cached = item.StartPosition;
            Assert.True(cached % _kv.BlockSize == 0 && cached < tokens.Length, $"cached {cached}");
            var expected = FakeModel.Chain(tokens[..cached], request.Namespace);
            for (int p = 0; p < cached; p++)
                Assert.True(expected[p] == _slots[SlotThrough(table, p)], $"request {request.Id}: reused block holds a different prefix at {p}");
            track.CachedAtAdmission += cached;
            track.AwaitingAdmission = false;
        }
        else
        {
            // Chunks are contiguous: each starts where the previous one ended.
            Assert.Equal(track.Computed, item.StartPosition);
        }
        if (item.IsPrefill && !item.ProducesToken) track.WasChunked = true;

        // Rows are written through the slot mapping and read back through the block table, so the two must agree.
        ulong prev = item.StartPosition == 0 ? FakeModel.Start(request.Namespace) : _slots[SlotThrough(table, item.StartPosition - 1)];
        for (int k = 0; k < item.NumNewTokens; k++)
        {
            int slot = rowSlots[k];
            Assert.True(_writtenThisStep.Add(slot), $"slot {slot} written twice in one step");
            prev = FakeModel.Kv(prev, rowTokens[k]);
            _slots[slot] = prev;
        }
        track.Scheduled += item.NumNewTokens;
        track.Computed = item.EndPosition;
        return item.ProducesToken ? FakeModel.NextToken(prev) : -1;
    }

    /// <summary>Where paged attention finds a position's KV: its block in the table, then its offset in the block.</summary>
    private int SlotThrough(ReadOnlySpan<int> table, int position) => table[position / _kv.BlockSize] * _kv.BlockSize + position % _kv.BlockSize;
}
