using InferenceServer.KvCache;

namespace InferenceServer.Scheduling;

/// <summary>
/// Continuous batching under a token budget, as vLLM V1 schedules: no prefill or decode phases, each running
/// request asks for the tokens it has not computed yet (1 when decoding, the next chunk when prefilling), then
/// waiting requests join with what is left. Preemption frees blocks and recomputes later.
/// </summary>
/// <remarks>
/// Protocol per step: <see cref="Step"/>, the runner computes the items, <see cref="UpdateAfterStep"/> with the
/// sampled tokens. <see cref="Add"/>, <see cref="Cancel"/> and <see cref="Finish"/> may come between steps.
/// Nothing on this path allocates once lists have grown. Not thread-safe: one engine thread.
/// </remarks>
public sealed class Scheduler
{
    private readonly KvCacheManager _kv;
    private readonly SchedulerOptions _options;
    private readonly IPreemptionPolicy _policy;
    private readonly IAdmissionGate? _gate;
    private readonly List<ScheduledRequest> _waiting = [];
    private readonly List<ScheduledRequest> _running;
    private readonly List<long> _finishedSinceStep;
    private readonly Dictionary<long, ScheduledRequest> _byId = [];
    // The live requests behind the output's items, in item order: the output itself carries only values.
    private readonly List<ScheduledRequest> _scheduled;
    private readonly Predicate<ScheduledRequest> _isCancelled;
    private readonly SchedulerOutput _output;
    private long _arrivals;

    public Scheduler(KvCacheManager kv, SchedulerOptions options, IPreemptionPolicy? policy = null, IAdmissionGate? gate = null)
    {
        ArgumentNullException.ThrowIfNull(kv);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _kv = kv;
        _options = options;
        _policy = policy ?? new FcfsPolicy();
        _gate = gate;
        _running = new List<ScheduledRequest>(options.MaxNumSeqs);
        _finishedSinceStep = new List<long>(options.MaxNumSeqs);
        _scheduled = new List<ScheduledRequest>(options.MaxNumSeqs);
        // Add refuses a request longer than the pool (or MaxModelLen), so no block table is longer than this.
        int maxBlocksPerSequence = options.MaxModelLen is int length ? Math.Min(kv.NumBlocks, (length + kv.BlockSize - 1) / kv.BlockSize) : kv.NumBlocks;
        _output = new SchedulerOutput(kv.BlockSize, options.MaxNumSeqs, options.MaxNumBatchedTokens, maxBlocksPerSequence);
        // Cached once: a lambda per step would allocate.
        _isCancelled = SweepCancelled;
    }

    /// <summary>Requests holding blocks, in policy order.</summary>
    public IReadOnlyList<ScheduledRequest> Running => _running;

    /// <summary>Waiting and preempted requests, in policy order.</summary>
    public IReadOnlyList<ScheduledRequest> Waiting => _waiting;

    /// <summary>Whether any request is waiting or running.</summary>
    public bool HasUnfinished => _byId.Count > 0;

    /// <summary>Whether request <paramref name="id"/> is still waiting or running here (false once it finished, say on its max tokens).</summary>
    public bool Contains(long id) => _byId.ContainsKey(id);

    /// <summary>Queues a request; it may join at the next step.</summary>
    public void Add(ScheduledRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Status != RequestStatus.Waiting || request.NumGeneratedTokens > 0)
            throw new ArgumentException("only a new request can be added", nameof(request));
        // A request that could not fit the whole pool alone would wait (or be preempted) forever.
        if ((long)request.PromptLength + request.MaxTokens > (long)_kv.NumBlocks * _kv.BlockSize)
            throw new ArgumentException($"prompt + max tokens exceed the KV pool ({_kv.NumBlocks * _kv.BlockSize} tokens)", nameof(request));
        if (_options.MaxModelLen is int maxLength && (long)request.PromptLength + request.MaxTokens > maxLength)
            throw new ArgumentException($"prompt + max tokens exceed the max model length ({maxLength} tokens)", nameof(request));
        if (!_byId.TryAdd(request.Id, request)) throw new ArgumentException($"request {request.Id} is already scheduled", nameof(request));
        request.ArrivalOrder = _arrivals++;
        InsertByPolicy(_waiting, request);
    }

    /// <summary>Marks a request cancelled and frees its blocks now; it leaves the queues at the next step.</summary>
    public bool Cancel(long id)
    {
        if (!_byId.TryGetValue(id, out var request) || request.IsCancelled || request.Status == RequestStatus.Finished) return false;
        request.IsCancelled = true;
        if (_kv.Contains(request.Sequence)) _kv.Free(request.Sequence);
        ReleaseGate(request);
        return true;
    }

    /// <summary>
    /// Ends a request now (EOS or a stop string seen by the caller) and frees its blocks. Returns false, doing
    /// nothing, when the request is unknown, cancelled or already finished (say on its max tokens).
    /// </summary>
    public bool Finish(long id)
    {
        if (!_byId.TryGetValue(id, out var request) || request.IsCancelled || request.Status == RequestStatus.Finished) return false;
        if (request.Status == RequestStatus.Running) _running.Remove(request);
        else _waiting.Remove(request);
        Retire(request);
        return true;
    }

    /// <summary>Decides this step's batch. The returned instance is reused by the next call.</summary>
    public SchedulerOutput Step()
    {
        _output.Clear();
        _scheduled.Clear();
        _running.RemoveAll(_isCancelled);
        _waiting.RemoveAll(_isCancelled);
        _output.FinishedIds.AddRange(_finishedSinceStep);
        _finishedSinceStep.Clear();

        int budget = _options.MaxNumBatchedTokens;
        int chunk = _options.LongPrefillChunk ?? int.MaxValue;
        ScheduleRunning(ref budget, chunk);
        // Admitting right after preempting would only take back the blocks the preemption freed (vLLM does the same).
        if (_output.PreemptedIds.Count == 0) ScheduleWaiting(ref budget, chunk);
        return _output;
    }

    /// <summary>
    /// Records the step's results: <paramref name="sampledTokens"/>[i] is the token sampled for item i of the
    /// last output (read only where <see cref="ScheduledItem.ProducesToken"/>). Commits the KV now written,
    /// and finishes requests that reached their max tokens.
    /// </summary>
    public void UpdateAfterStep(ReadOnlySpan<int> sampledTokens)
    {
        var items = _output.Items;
        if (sampledTokens.Length < items.Length) throw new ArgumentException($"{items.Length} items but {sampledTokens.Length} tokens", nameof(sampledTokens));
        for (int i = 0; i < items.Length; i++)
        {
            var request = _scheduled[i];
            // Cancelled or finished between Step and now: its blocks are gone already.
            if (request.IsCancelled || request.Status != RequestStatus.Running) continue;
            request.NumComputedTokens += items[i].NumNewTokens;
            if (items[i].ProducesToken) request.AppendToken(sampledTokens[i]);
            _kv.CommitFullBlocks(request.Sequence, request.AllTokens[..request.NumComputedTokens]);
            if (request.NumGeneratedTokens >= request.MaxTokens)
            {
                _running.Remove(request);
                Retire(request);
            }
        }
    }

    private void ScheduleRunning(ref int budget, int chunk)
    {
        for (int i = 0; i < _running.Count && budget > 0; i++)
        {
            var request = _running[i];
            if (request.IsPaused) continue;
            int newTokens = Math.Min(Math.Min(request.NumTokens - request.NumComputedTokens, budget), chunk);
            int missingSlots = request.NumComputedTokens + newTokens - _kv.SlotCount(request.Sequence);
            bool preemptedSelf = false;
            while (missingSlots > 0 && !_kv.AppendSlots(request.Sequence, missingSlots))
            {
                // The last running request is the least important and not yet scheduled this step (index >= i).
                var victim = _running[^1];
                Preempt(victim);
                if (victim == request)
                {
                    preemptedSelf = true;
                    break;
                }
            }
            if (preemptedSelf) break;
            AddItem(request, newTokens);
            budget -= newTokens;
        }
    }

    private void ScheduleWaiting(ref int budget, int chunk)
    {
        for (int i = 0; i < _waiting.Count && budget > 0 && _running.Count < _options.MaxNumSeqs;)
        {
            var request = _waiting[i];
            // A request whose other resources are busy (its adapter has no slot) steps aside for the ones behind it.
            if (_gate != null && !_gate.TryAdmit(request))
            {
                i++;
                continue;
            }
            request.GateHeld = _gate != null;
            int maxNew = Math.Min(budget, chunk);
            // Head-of-line: a request that does not fit waits for blocks rather than being overtaken.
            if (!_kv.TryAllocate(request.Sequence, request.AllTokens, request.Namespace, out int cached, maxNew))
            {
                ReleaseGate(request);
                break;
            }
            _waiting.RemoveAt(i);
            // Cached prefix blocks hold KV that is exactly this prefix's: they count as computed.
            request.NumComputedTokens = cached;
            request.Status = RequestStatus.Running;
            InsertByPolicy(_running, request);
            int newTokens = _kv.SlotCount(request.Sequence) - cached;
            AddItem(request, newTokens);
            budget -= newTokens;
        }
    }

    private void ReleaseGate(ScheduledRequest request)
    {
        if (!request.GateHeld) return;
        request.GateHeld = false;
        _gate!.Release(request);
    }

    private void AddItem(ScheduledRequest request, int newTokens)
    {
        int start = request.NumComputedTokens;
        bool producesToken = start + newTokens == request.NumTokens;
        bool isDecode = newTokens == 1 && producesToken && request.NumGeneratedTokens > 0;
        _scheduled.Add(request);
        // Copied now, while the blocks are the request's: a cancel before the runner reads the step frees them.
        _output.Add(request.Id, request.Namespace.AdapterId, start, request.AllTokens.Slice(start, newTokens), !isDecode, producesToken,
            _kv.BlockTable(request.Sequence));
    }

    private void Preempt(ScheduledRequest victim)
    {
        _running.RemoveAt(_running.Count - 1);
        _kv.Free(victim.Sequence);
        ReleaseGate(victim);
        // Recompute, do not swap: whatever of its prefix is still cached is found again at re-admission.
        victim.NumComputedTokens = 0;
        victim.NumPreemptions++;
        victim.Status = RequestStatus.Preempted;
        InsertByPolicy(_waiting, victim);
        _output.PreemptedIds.Add(victim.Id);
    }

    private void Retire(ScheduledRequest request)
    {
        if (_kv.Contains(request.Sequence)) _kv.Free(request.Sequence);
        ReleaseGate(request);
        request.Status = RequestStatus.Finished;
        _byId.Remove(request.Id);
        _finishedSinceStep.Add(request.Id);
    }

    private bool SweepCancelled(ScheduledRequest request)
    {
        if (!request.IsCancelled) return false;
        request.Status = RequestStatus.Finished;
        _byId.Remove(request.Id);
        _output.FinishedIds.Add(request.Id);
        return true;
    }

    private void InsertByPolicy(List<ScheduledRequest> list, ScheduledRequest request)
    {
        // Lists are short and mostly appended to at the end (FCFS arrivals), so a scan from the back is cheapest.
        int at = list.Count;
        while (at > 0 && _policy.Compare(list[at - 1], request) > 0) at--;
        list.Insert(at, request);
    }
}
