using InferenceServer.Backends;
using InferenceServer.Backends.Graphs;
using InferenceServer.Backends.Lora;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Config;

namespace InferenceServer.Engine.Runner;

/// <summary>
/// Runs the decoder-only transformer (Llama, Mistral, Qwen2, Qwen3) forward over a varlen batch, using only
/// backend ops. Activation buffers are allocated once for the largest batch, so steps allocate nothing.
/// </summary>
public sealed class ModelRunner : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly ILoraCompute? _lora;
    private readonly ModelWeights _weights;
    private readonly RopeTable _rope;
    private readonly int _maxTokens;
    private readonly int _maxLogits;
    private readonly DecodeGraphs? _graphs;
    private readonly Action _body;
    private ForwardBatch? _current;
    private readonly DeviceBuffer _x, _h, _q, _k, _v, _attn, _gate, _up, _act, _last, _lastNorm, _logits;

    /// <param name="cudaGraphs">Capture and replay decode steps where the backend can (off: vLLM's --enforce-eager).</param>
    public ModelRunner(IComputeBackend backend, ModelConfig config, ModelWeights weights, IKvCache cache, int maxTokens, int maxLogits, bool cudaGraphs = true)
    {
        _backend = backend;
        if (cudaGraphs && backend is IGraphCapture capture) _graphs = new DecodeGraphs(capture);
        _body = () => Body(_current!);
        _lora = backend as ILoraCompute;
        _weights = weights;
        Config = config;
        Cache = cache;
        _maxTokens = maxTokens;
        _maxLogits = maxLogits;
        _rope = new RopeTable(config.MaxPositionEmbeddings, config.HeadDim, config.RopeTheta, config.RopeScaling);
        int hidden = config.HiddenSize, qDim = config.NumHeads * config.HeadDim, kvDim = config.NumKvHeads * config.HeadDim;
        _x = backend.Allocate((long)maxTokens * hidden);
        _h = backend.Allocate((long)maxTokens * Math.Max(hidden, qDim));
        _q = backend.Allocate((long)maxTokens * qDim);
        _k = backend.Allocate((long)maxTokens * kvDim);
        _v = backend.Allocate((long)maxTokens * kvDim);
        _attn = backend.Allocate((long)maxTokens * qDim);
        _gate = backend.Allocate((long)maxTokens * config.IntermediateSize);
        _up = backend.Allocate((long)maxTokens * config.IntermediateSize);
        _act = backend.Allocate((long)maxTokens * config.IntermediateSize);
        _last = backend.Allocate((long)maxLogits * hidden);
        _lastNorm = backend.Allocate((long)maxLogits * hidden);
        _logits = backend.Allocate((long)maxLogits * config.VocabSize);
    }

    public ModelConfig Config { get; }
    public IKvCache Cache { get; }

    /// <summary>
    /// Bytes of the buffers a runner for <paramref name="maxTokens"/> tokens and <paramref name="maxLogits"/> logit rows
    /// allocates, plus a half-precision copy of the widest activation (the CUDA backend's GEMM input): what the KV pool must leave.
    /// </summary>
    public static long ActivationBytes(ModelConfig config, int maxTokens, int maxLogits)
    {
        ArgumentNullException.ThrowIfNull(config);
        long hidden = config.HiddenSize, qDim = (long)config.NumHeads * config.HeadDim, kvDim = (long)config.NumKvHeads * config.HeadDim;
        long perToken = hidden + Math.Max(hidden, qDim) + 2 * qDim + 2 * kvDim + 3L * config.IntermediateSize;
        long floats = maxTokens * perToken + maxLogits * (2 * hidden + config.VocabSize);
        return floats * sizeof(float) + maxTokens * Math.Max(hidden, config.IntermediateSize) * 2;
    }

    /// <summary>
    /// Runs the batch and copies the logits of <see cref="ForwardBatch.LogitRows"/> into
    /// <paramref name="logits"/> ([LogitCount, vocab]).
    /// </summary>
    public void Forward(ForwardBatch batch, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ForwardOnDevice(batch);
        if (batch.LogitCount > 0) CopyLogits(batch.LogitCount, logits);
    }

    /// <summary>Whether the backend can pick greedy tokens where the logits live (<see cref="Argmax"/>).</summary>
    public bool HasDeviceArgmax => _backend is IDeviceArgmax;

    /// <summary>
    /// Picks the greedy token of each of the last <see cref="ForwardOnDevice"/>'s first <paramref name="rows"/> logit
    /// rows on the backend (only where <see cref="HasDeviceArgmax"/>; otherwise copy them with <see cref="CopyLogits"/>).
    /// </summary>
    public void Argmax(int rows, Span<int> tokens) => ((IDeviceArgmax)_backend).Argmax(_logits, rows, Config.VocabSize, tokens);

    /// <summary>Copies the first <paramref name="rows"/> logit rows of the last <see cref="ForwardOnDevice"/> to the host.</summary>
    public void CopyLogits(int rows, Span<float> logits) => _backend.CopyToHost(_logits, logits[..(rows * Config.VocabSize)]);

    /// <summary>Runs the batch, leaving the logits of <see cref="ForwardBatch.LogitRows"/> in the backend's buffer.</summary>
    public void ForwardOnDevice(ForwardBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int t = batch.TokenCount;
        if (t <= 0 || t > _maxTokens) throw new ArgumentOutOfRangeException(nameof(batch), $"batch of {t} tokens (max {_maxTokens})");
        if (batch.LogitCount > _maxLogits) throw new ArgumentOutOfRangeException(nameof(batch), $"{batch.LogitCount} logit rows (max {_maxLogits})");
        var ids = batch.TokenIds.AsSpan(0, t);
        var b = _backend;
        if (batch.Lora.Any && _lora == null) throw new NotSupportedException($"backend {b.GetType().Name} has no LoRA ops");
        b.Embedding(ids, _weights.Embedding, _x);
        if (_graphs != null && batch.Attention.TokenCount == batch.Attention.SequenceCount && batch.LogitCount == t)
        {
            _current = batch;
            _graphs.Run(batch, Cache.Layout.BlockSize, _body);
            _current = null;
            return;
        }
        Body(batch);
    }

    /// <summary>Graph statistics: captures, replays, and why graphs are off (null reason while on); null without graphs.</summary>
    public (long Captures, long Replays, string? DisabledReason)? GraphStats => _graphs is { } g ? (g.Captures, g.Replays, g.DisabledReason) : null;

    /// <summary>Everything after the embedding: the layers, the final norm and the LM head.</summary>
    private void Body(ForwardBatch batch)
    {
        var cfg = Config;
        int t = batch.TokenCount;
        int hidden = cfg.HiddenSize, hd = cfg.HeadDim, inter = cfg.IntermediateSize;
        float eps = (float)cfg.RmsNormEps;
        float scale = 1f / MathF.Sqrt(hd);
        var positions = batch.Positions.AsSpan(0, t);
        var slots = batch.SlotMapping.AsSpan(0, t);
        var b = _backend;
        bool lora = _lora != null && batch.Lora.Any;
        for (int l = 0; l < _weights.Layers.Count; l++)
        {
            var w = _weights.Layers[l];
            b.RmsNorm(_x, w.InputNorm, eps, t, hidden, _h);
            b.MatMul(_h, t, w.QProj, w.QBias, _q);
            b.MatMul(_h, t, w.KProj, w.KBias, _k);
            b.MatMul(_h, t, w.VProj, w.VBias, _v);
            if (lora)
            {
                _lora!.AddLora(_h, _q, l, LoraTarget.QProj, batch.Lora);
                _lora.AddLora(_h, _k, l, LoraTarget.KProj, batch.Lora);
                _lora.AddLora(_h, _v, l, LoraTarget.VProj, batch.Lora);
            }
            if (w.QNorm != null && w.KNorm != null)
            {
                b.RmsNorm(_q, w.QNorm, eps, t * cfg.NumHeads, hd, _q);
                b.RmsNorm(_k, w.KNorm, eps, t * cfg.NumKvHeads, hd, _k);
            }
            b.Rope(_q, _k, positions, cfg.NumHeads, cfg.NumKvHeads, hd, _rope);
            b.WriteKv(Cache, l, _k, _v, slots);
            b.Attention(_q, Cache, l, batch.Attention, cfg.NumHeads, scale, cfg.SlidingWindow ?? 0, _attn);
            b.MatMul(_attn, t, w.OProj, null, _h);
            if (lora) _lora!.AddLora(_attn, _h, l, LoraTarget.OProj, batch.Lora);
            b.Add(_x, _h, (long)t * hidden);
            b.RmsNorm(_x, w.PostAttentionNorm, eps, t, hidden, _h);
            b.MatMul(_h, t, w.GateProj, null, _gate);
            b.MatMul(_h, t, w.UpProj, null, _up);
            if (lora)
            {
                _lora!.AddLora(_h, _gate, l, LoraTarget.GateProj, batch.Lora);
                _lora.AddLora(_h, _up, l, LoraTarget.UpProj, batch.Lora);
            }
            b.SiluMul(_gate, _up, t, inter, _act);
            b.MatMul(_act, t, w.DownProj, null, _h);
            if (lora) _lora!.AddLora(_act, _h, l, LoraTarget.DownProj, batch.Lora);
            b.Add(_x, _h, (long)t * hidden);
        }

        int n = batch.LogitCount;
        if (n == 0) return;
        b.GatherRows(_x, batch.LogitRows.AsSpan(0, n), hidden, _last);
        b.RmsNorm(_last, _weights.FinalNorm, eps, n, hidden, _lastNorm);
        b.MatMul(_lastNorm, n, _weights.LmHead, null, _logits);
    }

    /// <summary>
    /// Runs a <paramref name="prefillTokens"/>-token and a one-token forward of a single sequence (as vLLM warms up at
    /// start), so the JIT compiles the GEMM, GEMV and attention paths before the first request. Positions and KV
    /// slots are 0..n-1 through the batch's block table row 0, which the caller points at blocks no request holds.
    /// </summary>
    public void WarmUp(ForwardBatch batch, Span<float> logits, int prefillTokens)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (int n in new[] { prefillTokens, 1 })
        {
            for (int i = 0; i < n; i++)
            {
                batch.TokenIds[i] = 0;
                batch.Positions[i] = i;
                batch.SlotMapping[i] = i;
            }
            batch.SetSingleSequence(n, n, n - 1);
            Forward(batch, logits);
        }
    }

    public void Dispose()
    {
        _graphs?.Dispose();
        foreach (var buf in new[] { _x, _h, _q, _k, _v, _attn, _gate, _up, _act, _last, _lastNorm, _logits }) _backend.Free(buf);
    }
}
