using System.Diagnostics;
using InferenceServer.Backends;
using InferenceServer.Engine.Model;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Config;
using InferenceServer.Models.Loading;
using InferenceServer.Tokenization;

namespace InferenceServer.Engine.Generation;

/// <summary>
/// Generates text for one sequence at a time on a loaded model: chunked prefill, then token-by-token decode
/// over a paged KV cache whose block table is simply the identity. The batched engine builds on the same runner.
/// </summary>
public sealed class TextGenerator : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly IKvCache _cache;
    private readonly ModelRunner _runner;
    private readonly Sampler _sampler;
    private readonly ForwardBatch _batch;
    private readonly float[] _logits;
    private readonly int _blockSize;

    public TextGenerator(LoadedModel model, ITextTokenizer tokenizer, EngineOptions options)
    {
        Tokenizer = tokenizer;
        var cfg = model.Config;
        if (options.MaxContext is int cap && cap < cfg.MaxPositionEmbeddings) cfg = cfg with { MaxPositionEmbeddings = cap };
        Config = cfg;
        _blockSize = options.BlockSize;
        int blocks = (cfg.MaxPositionEmbeddings + _blockSize - 1) / _blockSize;
        var backend = Devices.ComputeBackendFactory.Create(options);
        _backend = backend.Backend;
        DeviceDescription = backend.Description;
        Weights = ModelWeights.Load(model, _backend, options.WeightDType);
        _cache = _backend.AllocateKvCache(new KvCacheLayout(cfg.NumLayers, blocks, _blockSize, cfg.NumKvHeads, cfg.HeadDim,
            Batching.KvCacheSizing.ResolveDType(options, Weights)));
        int maxTokens = Math.Min(options.MaxNumBatchedTokens, cfg.MaxPositionEmbeddings);
        _runner = new ModelRunner(_backend, cfg, Weights, _cache, maxTokens, maxLogits: 1, cudaGraphs: !options.EnforceEager);
        _batch = new ForwardBatch(maxTokens, 1, blocks);
        var table = _batch.Attention.BlockTable(0);
        for (int i = 0; i < blocks; i++) table[i] = i;
        _sampler = new Sampler(cfg.VocabSize);
        _logits = new float[cfg.VocabSize];
        WarmUp();
    }

    /// <summary>Warms the forward and sampling paths up before the first request rather than during its first tokens.</summary>
    private void WarmUp()
    {
        _runner.WarmUp(_batch, _logits, Math.Min(8, _batch.MaxTokens));
        _sampler.WarmUp(_logits);
    }

    public ModelConfig Config { get; }
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Which backend computes, and why (for the log).</summary>
    public string DeviceDescription { get; }
    public ModelWeights Weights { get; }

    /// <summary>Timing of the last finished generation.</summary>
    public GenerationStats? LastStats { get; private set; }

    /// <summary>Streams the tokens generated after <paramref name="prompt"/>.</summary>
    public IEnumerable<GenerationEvent> Generate(int[] prompt, SamplingParams parameters, CancellationToken cancellation = default)
    {
        parameters.Validate();
        if (prompt.Length == 0) throw new ArgumentException("the prompt is empty");
        int context = Config.MaxPositionEmbeddings;
        if (prompt.Length >= context)
            throw new ArgumentException($"the prompt has {prompt.Length} tokens but the context holds {context}: nothing left to generate");
        foreach (var id in prompt)
            if ((uint)id >= (uint)Config.VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {Config.VocabSize}");
        return GenerateCore(prompt, parameters, cancellation);
    }

    private IEnumerable<GenerationEvent> GenerateCore(int[] prompt, SamplingParams p, CancellationToken cancellation)
    {
        var state = new SamplingState(p, prompt);
        var output = new SequenceOutputProcessor(Tokenizer, Config.EosTokenIds, p, Math.Min(p.MaxTokens, Config.MaxPositionEmbeddings - prompt.Length));
        var clock = Stopwatch.StartNew();
        Prefill(prompt);
        var prefillTime = clock.Elapsed;
        int length = prompt.Length;
        while (true)
        {
            var sample = _sampler.Sample(_logits, state);
            var (text, finish) = output.Process(sample.TokenId);
            if (cancellation.IsCancellationRequested) finish ??= FinishReason.Abort;
            if (finish != null)
            {
                LastStats = new GenerationStats(prompt.Length, prefillTime, output.Generated, clock.Elapsed - prefillTime);
                yield return new GenerationEvent(sample.TokenId, text, sample, finish);
                yield break;
            }
            yield return new GenerationEvent(sample.TokenId, text, sample, null);
            Step(sample.TokenId, length);
            length++;
        }
    }

    private void Prefill(int[] prompt)
    {
        for (int start = 0; start < prompt.Length; start += _batch.MaxTokens)
        {
            int n = Math.Min(_batch.MaxTokens, prompt.Length - start);
            bool last = start + n == prompt.Length;
            for (int i = 0; i < n; i++)
            {
                _batch.TokenIds[i] = prompt[start + i];
                _batch.Positions[i] = start + i;
                _batch.SlotMapping[i] = start + i;
            }
            _batch.SetSingleSequence(n, start + n, last ? n - 1 : -1);
            _runner.Forward(_batch, _logits);
        }
    }

    private void Step(int token, int position)
    {
        _batch.TokenIds[0] = token;
        _batch.Positions[0] = position;
        _batch.SlotMapping[0] = position;
        _batch.SetSingleSequence(1, position + 1, 0);
        _runner.Forward(_batch, _logits);
    }

    public void Dispose()
    {
        _runner.Dispose();
        _cache.Dispose();
        _backend.Dispose();
    }
}
