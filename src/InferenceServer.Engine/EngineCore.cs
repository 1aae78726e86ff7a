using InferenceServer.Backends;
using InferenceServer.Backends.Lora;
using InferenceServer.Core.Tensors;
using InferenceServer.Engine.Adapters;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Runner;
using InferenceServer.Engine.Sampling;
using InferenceServer.KvCache;
using InferenceServer.KvCache.Hashing;
using InferenceServer.Models.Config;
using InferenceServer.Models.Loading;
using InferenceServer.Scheduling;
using InferenceServer.Tokenization;

namespace InferenceServer.Engine;

/// <summary>
/// The batched engine of one model version, driven one step at a time: the scheduler picks the step's tokens
/// under the budget, the runner computes them over the paged KV pool, and each request that completes a
/// prefill or decodes samples its next token. Single-threaded; <see cref="LlmEngine"/> runs it on its own thread.
/// </summary>
public sealed class EngineCore : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly IKvCache _cache;
    private readonly ModelRunner _runner;
    private readonly Scheduler _scheduler;
    private readonly Sampler _sampler;
    private readonly ForwardBatch _batch;
    private readonly float[] _logits;
    private readonly int[] _sampled;
    private readonly int[] _picked;
    private readonly SampledToken[] _samples;
    private readonly Dictionary<long, ActiveRequest> _active = [];
    private readonly List<RequestOutput> _outputs = [];
    private readonly List<RequestOutput> _aborted = [];
    private readonly List<(int Index, Exception Error)> _failed = [];
    private readonly string _modelVersion;
    private long _preemptions;
    private long _steps;

    /// <param name="model">The loaded model; the engine copies its weights into the backend.</param>
    /// <param name="tokenizer">Decodes outputs.</param>
    /// <param name="options">Batch limits, KV budget and policy.</param>
    /// <param name="device">The backend to compute on (see the Devices project); the engine owns it from here, even when this throws.</param>
    /// <param name="modelVersion">Names the weights in the prefix-cache namespace (default: the model's path).</param>
    public EngineCore(LoadedModel model, ITextTokenizer tokenizer, EngineOptions options, BackendChoice device, string? modelVersion = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        _backend = device.Backend;
        DeviceDescription = device.Description;
        try
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(tokenizer);
            ArgumentNullException.ThrowIfNull(options);
            options.Validate();
            var cfg = model.Config;
            if (options.MaxModelLen is int cap && cap < cfg.MaxPositionEmbeddings) cfg = cfg with { MaxPositionEmbeddings = cap };
            Config = cfg;
            Weights = ModelWeights.Load(model, _backend, options.DType);
            KvDType = KvCacheSizing.ResolveDType(options, Weights);
            int numBlocks = KvCacheSizing.NumBlocks(cfg, options, MaxContext, KvDType, KvCacheSizing.DeviceBudget(_backend, options, cfg));
            Blocks = new KvCacheManager(numBlocks, options.BlockSize, options.EnablePrefixCaching);
            _cache = _backend.AllocateKvCache(new KvCacheLayout(cfg.NumLayers, numBlocks, options.BlockSize, cfg.NumKvHeads, cfg.HeadDim, KvDType));
            _runner = new ModelRunner(_backend, cfg, Weights, _cache, options.MaxNumBatchedTokens, options.MaxNumSeqs, cudaGraphs: !options.EnforceEager);
            Tokenizer = tokenizer;
            Options = options;
            _modelVersion = modelVersion ?? model.Path;
            int blocksPerSequence = (MaxContext + options.BlockSize - 1) / options.BlockSize;
            IPreemptionPolicy policy = options.Policy == SchedulingPolicy.Priority ? new PriorityPolicy() : new FcfsPolicy();
            if (options.EnableLora) Adapters = new LoraSlotManager((ILoraCompute)_backend, options.MaxLoras, options.MaxLoraRank, LoraSlotManager.ResolveDType(options, Weights));
            _scheduler = new Scheduler(Blocks, new SchedulerOptions
            {
                MaxNumBatchedTokens = options.MaxNumBatchedTokens,
                MaxNumSeqs = options.MaxNumSeqs,
                LongPrefillChunk = options.LongPrefillChunk,
                // Validate already refuses longer requests; this sizes the step record's block tables as the batch's.
                MaxModelLen = MaxContext,
            }, policy, Adapters);
            _batch = new ForwardBatch(options.MaxNumBatchedTokens, options.MaxNumSeqs, blocksPerSequence);
            _sampler = new Sampler(Config.VocabSize);
            _logits = new float[(long)options.MaxNumSeqs * Config.VocabSize];
            _sampled = new int[options.MaxNumSeqs];
            _picked = new int[options.MaxNumSeqs];
            _samples = new SampledToken[options.MaxNumSeqs];
            WarmUp(blocksPerSequence);
            WarmUpSteps();
        }
        catch
        {
            _runner?.Dispose();
            _cache?.Dispose();
            _backend.Dispose();
            throw;
        }
    }

    public ModelConfig Config { get; }
    public ITextTokenizer Tokenizer { get; }
    public EngineOptions Options { get; }

    /// <summary>CUDA graph captures and replays of decode steps, and why graphs are off; null where the backend has none.</summary>
    public (long Captures, long Replays, string? DisabledReason)? GraphStats => _runner.GraphStats;

    /// <summary>Tokens whose greedy pick ran on the backend (no logits copied to the host).</summary>
    public long DevicePickedTokens { get; private set; }

    /// <summary>Which backend computes, and why (for the start-up log).</summary>
    public string DeviceDescription { get; }

    /// <summary>The runner, for the forward-pass benchmark, which times it without scheduling (no request may be in the engine).</summary>
    internal ModelRunner Runner => _runner;

    /// <summary>The backend the engine computes on.</summary>
    public IComputeBackend Backend => _backend;
    public ModelWeights Weights { get; }

    /// <summary>Storage type of the KV pool (f32 or bf16).</summary>
    public TensorDType KvDType { get; }

    /// <summary>LoRA adapters and their slots (null unless <see cref="EngineOptions.EnableLora"/>; engine thread only).</summary>
    public LoraSlotManager? Adapters { get; }

    /// <summary>The block manager (read it only from the engine thread).</summary>
    public KvCacheManager Blocks { get; }

    /// <summary>Whether any request is waiting or running, or an abort output is still to be returned by <see cref="Step"/>.</summary>
    public bool HasUnfinished => _active.Count > 0 || _aborted.Count > 0;

    /// <summary>Requests admitted and not finished.</summary>
    public int RequestCount => _active.Count;

    /// <summary>The engine's load now (engine thread only; <see cref="LlmEngine.Stats"/> is the thread-safe copy).</summary>
    public EngineStats Stats => Adapters is null
        ? BaseStats
        : BaseStats with { RunningPerAdapter = PerAdapter(_scheduler.Running), WaitingPerAdapter = PerAdapter(_scheduler.Waiting) };

    private EngineStats BaseStats => new(_scheduler.Running.Count, _scheduler.Waiting.Count, Blocks.NumBlocks, Blocks.FreeBlockCount,
        Blocks.UsageFraction, Blocks.Stats, _preemptions, _steps);

    /// <summary>Requests per adapter name among <paramref name="requests"/> (for vllm:lora_requests_info).</summary>
    private Dictionary<string, int> PerAdapter(IEnumerable<ScheduledRequest> requests)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in requests)
            if (Adapters!.NameOf(r.Namespace.AdapterId) is { } name) counts[name] = counts.GetValueOrDefault(name) + 1;
        return counts;
    }

    /// <summary>
    /// Slots in blocks held by running requests, and how many of them hold (or are about to hold) a token; the
    /// difference is the KV memory paging wastes (at most a block per request minus one slot).
    /// </summary>
    public (long HeldSlots, long UsedSlots) KvOccupancy()
    {
        long used = 0;
        foreach (var request in _scheduler.Running) used += Blocks.SlotCount(new KvCache.Sequences.SequenceId(request.Id));
        return ((long)(Blocks.NumBlocks - Blocks.FreeBlockCount) * Blocks.BlockSize, used);
    }

    /// <summary>Most prompt plus generated tokens one request may hold.</summary>
    public int MaxContext => Config.MaxPositionEmbeddings;

    /// <summary>
    /// Throws <see cref="InvalidRequestException"/> when the request cannot be served: empty prompt, ids outside
    /// the vocabulary, bad sampling settings, or prompt + max tokens beyond the context. Thread-safe.
    /// </summary>
    public void Validate(EngineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            request.Sampling.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException(e.Message, e);
        }
        var prompt = request.PromptTokens;
        if (prompt.Count == 0) throw new InvalidRequestException("the prompt is empty");
        CheckVocabulary(prompt, "");
        CheckVocabulary(request.Sampling.StopTokenIds, "stop_token_ids: ");
        CheckVocabulary(request.Sampling.LogitBias.Keys, "logit_bias: ");
        if (request.Adapter != null && !Options.EnableLora)
            throw new UnknownAdapterException(request.Adapter, "LoRA adapters are not enabled on this server (start it with LoRA enabled)");
        // 64-bit: max_tokens may be anything up to int.MaxValue, and an overflowed sum would pass this check.
        long total = (long)prompt.Count + request.Sampling.MaxTokens;
        if (total > MaxContext)
            throw new InvalidRequestException(
                $"This model's maximum context length is {MaxContext} tokens. However, you requested {total} tokens ({prompt.Count} in the prompt, {request.Sampling.MaxTokens} for the completion). Please reduce the prompt or max_tokens.");
    }

    private void CheckVocabulary(IEnumerable<int> ids, string field)
    {
        foreach (var id in ids)
            if ((uint)id >= (uint)Config.VocabSize) throw new InvalidRequestException($"{field}token id {id} is outside the vocabulary of {Config.VocabSize}");
    }

    /// <summary>Queues a validated request under <paramref name="id"/>; it joins at the next step the budget allows.</summary>
    public void Add(long id, EngineRequest request)
    {
        Validate(request);
        if (_active.ContainsKey(id)) throw new ArgumentException($"request {id} is already in the engine", nameof(id));
        var prompt = request.PromptTokens is int[] array ? array : [.. request.PromptTokens];
        var p = request.Sampling;
        string? adapterId = null;
        if (request.Adapter != null)
        {
            if (!Adapters!.Contains(request.Adapter)) throw new UnknownAdapterException(request.Adapter, $"LoRA adapter '{request.Adapter}' is not loaded");
            adapterId = Adapters.CacheId(request.Adapter);
        }
        var scheduled = new ScheduledRequest(id, prompt, p.MaxTokens, new CacheNamespace(_modelVersion, adapterId, request.CacheSalt), request.Priority);
        var active = new ActiveRequest(scheduled, new SamplingState(p, prompt), new SequenceOutputProcessor(Tokenizer, Config.EosTokenIds, p));
        _scheduler.Add(scheduled);
        _active.Add(id, active);
    }

    /// <summary>Cancels a request: its blocks are freed now and an abort output comes with the next step.</summary>
    public bool Abort(long id)
    {
        if (!_active.Remove(id, out var active)) return false;
        _scheduler.Cancel(id);
        _aborted.Add(new RequestOutput(id, -1, "", default, FinishReason.Abort, active.Usage));
        return true;
    }

    /// <summary>Cache ids of the adapters that admitted, unfinished requests use.</summary>
    public IReadOnlySet<string> AdaptersInUse()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in _active.Values) if (a.Scheduled.Namespace.AdapterId is { } id) ids.Add(id);
        return ids;
    }

    /// <summary>Aborts every request that uses the adapter <paramref name="name"/> (before it is unloaded).</summary>
    public int AbortAdapterRequests(string name)
    {
        string? cacheId = Adapters?.CacheId(name);
        if (cacheId == null) return 0;
        var ids = _active.Where(kv => kv.Value.Scheduled.Namespace.AdapterId == cacheId).Select(kv => kv.Key).ToList();
        foreach (long id in ids) Abort(id);
        return ids.Count;
    }

    /// <summary>Pauses (its consumer is behind) or resumes a running request; paused requests keep their blocks.</summary>
    public void SetPaused(long id, bool paused)
    {
        if (_active.TryGetValue(id, out var active)) active.Scheduled.IsPaused = paused;
    }

    /// <summary>
    /// Runs one step: schedule, forward, sample, detokenize, check stops. Returns one output per request that
    /// sampled a token or was aborted since the last step; the list is reused by the next call.
    /// </summary>
    public IReadOnlyList<RequestOutput> Step()
    {
        _outputs.Clear();
        _outputs.AddRange(_aborted);
        _aborted.Clear();
        var step = _scheduler.Step();
        _preemptions += step.PreemptedIds.Count;
        var items = step.Items;
        if (items.IsEmpty) return _outputs;
        _steps++;

        BatchBuilder.Build(step, _batch, Adapters);
        _runner.ForwardOnDevice(_batch);
        int logitRows = _batch.LogitCount;
        // Plain greedy rows need only their argmax: where the backend computes it, no logits cross to the host.
        // (The CPU backend has no device argmax, so it skips the scan of the rows' sampling parameters.)
        bool picked = logitRows > 0 && _runner.HasDeviceArgmax && OnlyPlainGreedy(items);
        if (picked)
        {
            _runner.Argmax(logitRows, _picked);
            DevicePickedTokens += logitRows;
        }
        else if (logitRows > 0) _runner.CopyLogits(logitRows, _logits);
        int vocab = Config.VocabSize, row = 0;
        _failed.Clear();
        for (int i = 0; i < items.Length; i++)
        {
            var item = items[i];
            var active = _active[item.RequestId];
            if (active.CachedPromptTokens < 0) active.CachedPromptTokens = item.StartPosition;
            if (!item.ProducesToken) continue;
            int logitRow = row++;
            try
            {
                _samples[i] = picked ? Sampler.Picked(_picked[logitRow], active.Sampling) : _sampler.Sample(_logits.AsSpan(logitRow * vocab, vocab), active.Sampling);
            }
#pragma warning disable CA1031 // Whatever one request's sampling throws fails that request only.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // The scheduler still takes a token for it this step (it is dropped right after).
                _samples[i] = new SampledToken(0, 0f, null);
                _failed.Add((i, e));
            }
            _sampled[i] = _samples[i].TokenId;
        }
        _scheduler.UpdateAfterStep(_sampled);

        int failed = 0;
        for (int i = 0; i < items.Length; i++)
        {
            if (!items[i].ProducesToken) continue;
            long id = items[i].RequestId;
            if (failed < _failed.Count && _failed[failed].Index == i)
            {
                FailRequest(id, _failed[failed++].Error);
                continue;
            }
            var active = _active[id];
            string text;
            FinishReason? finish;
            try
            {
                // Length is the scheduler's call: a request it retired on max tokens is no longer in it.
                (text, finish) = active.Output.Process(_sampled[i], lengthReached: !_scheduler.Contains(id));
            }
#pragma warning disable CA1031 // Detokenizing or stop matching for one request fails that request only.
            catch (Exception e)
#pragma warning restore CA1031
            {
                FailRequest(id, e);
                continue;
            }
            if (finish != null)
            {
                // A stop seen here ends the request early; on length the scheduler has retired it already,
                // and Finish does nothing.
                _scheduler.Finish(id);
                _active.Remove(id);
            }
            _outputs.Add(new RequestOutput(id, _sampled[i], text, _samples[i], finish, active.Usage));
        }
        return _outputs;
    }

    /// <summary>
    /// Drops a request that failed on its own (its blocks are freed now) and returns its last output with the error;
    /// the batch and the other requests are untouched.
    /// </summary>
    private void FailRequest(long id, Exception error)
    {
        if (!_active.Remove(id, out var active)) return;
        _scheduler.Cancel(id);
        _outputs.Add(new RequestOutput(id, -1, "", default, FinishReason.Abort, active.Usage) { Error = new RequestFailedException(error) });
    }

    /// <summary>Whether every row that samples this step is greedy without penalties, logit bias or logprobs (the backend's argmax then picks).</summary>
    private bool OnlyPlainGreedy(ReadOnlySpan<ScheduledItem> items)
    {
        for (int i = 0; i < items.Length; i++)
        {
            if (!items[i].ProducesToken) continue;
            var p = _active[items[i].RequestId].Sampling.Parameters;
            if (!p.IsGreedy || p.HasPenalties || p.Logprobs != null || p.LogitBias.Count > 0) return false;
        }
        return true;
    }

    /// <summary>
    /// Warms the forward and sampling paths up before the first request. The warm-up writes KV into the first
    /// block only (it stays within one block), which no request holds yet.
    /// </summary>
    private void WarmUp(int blocksPerSequence)
    {
        _batch.Attention.BlockTable(0)[..Math.Min(blocksPerSequence, Blocks.NumBlocks)].Clear();
        _runner.WarmUp(_batch, _logits, Math.Min(Math.Min(8, _batch.MaxTokens), Options.BlockSize));
        _sampler.WarmUp(_logits.AsSpan(0, Config.VocabSize));
    }

    /// <summary>
    /// Runs one throwaway request (a one-token prompt, two tokens out) through the whole step path, so the first real
    /// request does not pay for compiling the scheduler, batch builder and output processing (about 50 ms of its first
    /// token on a 2-core VM). Its salt keeps its blocks from any prefix match, and the pool and counters start clean after it.
    /// </summary>
    private void WarmUpSteps()
    {
        const long id = long.MinValue;
        Add(id, new EngineRequest
        {
            PromptTokens = [0],
            Sampling = new SamplingParams { Temperature = 0, MaxTokens = Math.Min(2, MaxContext - 1), IgnoreEos = true },
            CacheSalt = "engine warm-up",
        });
        while (HasUnfinished) Step();
        _scheduler.Step();
        Blocks.Reset();
        _steps = 0;
        _preemptions = 0;
        DevicePickedTokens = 0;
    }

    public void Dispose()
    {
        _runner.Dispose();
        _cache.Dispose();
        _backend.Dispose();
    }
}
