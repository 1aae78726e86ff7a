using BenchmarkDotNet.Attributes;
using InferenceServer.Backends;
using InferenceServer.Backends.Cpu;
using InferenceServer.Core.Tensors;
using InferenceServer.Engine.Runner;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Loading;

namespace InferenceServer.Benchmarks.Kernels;

/// <summary>
/// Each CPU op at the shapes of the stories110M-shape Q8_0 model (hidden 768, 12 heads of 64, vocab 32000), 2
/// threads: matmul for decode, a 32-stream batch and a 512-token prefill; paged attention (bf16 KV) for 32
/// decode streams at context 192 and a 512-token prefill; RMSNorm, RoPE and sampling of a 32-row batch.
/// </summary>
[Config(typeof(TokenizerBenchConfig))]
public class CpuKernelBenchmarks
{
    private const int Batch = 32, Context = 192, Prompt = 512;
    private LoadedModel _model = null!;
    private CpuBackend _backend = null!;
    private ModelWeights _weights = null!;
    private IKvCache _cache = null!;
    private RopeTable _rope = null!;
    private DeviceBuffer _x, _y, _q, _k, _out;
    private AttentionBatch _decode = null!, _prefill = null!;
    private int[] _positions = [];
    private float[] _logits = [];
    private Sampler _sampler = null!;
    private SamplingState _greedy = null!, _topP = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelLoader.Load(BenchModels.Ensure("stories110m-q8_0"));
        var cfg = _model.Config;
        _backend = new CpuBackend(threads: 2);
        _weights = ModelWeights.Load(_model, _backend, storage: null);
        int blocksPerSeq = Prompt / 16 + 1;
        _cache = _backend.AllocateKvCache(new KvCacheLayout(cfg.NumLayers, Batch * blocksPerSeq, 16, cfg.NumKvHeads, cfg.HeadDim, TensorDType.BF16));
        _rope = new RopeTable(cfg.MaxPositionEmbeddings, cfg.HeadDim, cfg.RopeTheta, cfg.RopeScaling);
        _x = _backend.Allocate((long)Prompt * cfg.IntermediateSize);
        _y = _backend.Allocate((long)Prompt * cfg.IntermediateSize);
        _q = _backend.Allocate((long)Prompt * cfg.HiddenSize);
        _k = _backend.Allocate((long)Prompt * cfg.HiddenSize);
        _out = _backend.Allocate((long)Prompt * cfg.HiddenSize);
        var rng = new Random(1);
        var data = new float[Prompt * cfg.IntermediateSize];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        foreach (var b in new[] { _x, _q, _k }) _backend.CopyFromHost(data.AsSpan(0, (int)Math.Min(b.Length, data.Length)), b);
        // Fill the pool through the real KV write so attention reads realistic values.
        var slots = Enumerable.Range(0, Batch * blocksPerSeq * 16).ToArray();
        for (int l = 0; l < cfg.NumLayers; l++)
            for (int s = 0; s < slots.Length; s += Prompt) _backend.WriteKv(_cache, l, _k, _q, slots.AsSpan(s, Math.Min(Prompt, slots.Length - s)));
        _decode = new AttentionBatch(Batch, blocksPerSeq) { SequenceCount = Batch };
        for (int s = 0; s < Batch; s++)
        {
            _decode.QueryStart[s] = s;
            _decode.ContextLength[s] = Context;
            for (int b = 0; b < blocksPerSeq; b++) _decode.BlockTable(s)[b] = s * blocksPerSeq + b;
        }
        _decode.QueryStart[Batch] = Batch;
        _prefill = new AttentionBatch(1, blocksPerSeq) { SequenceCount = 1 };
        _prefill.QueryStart[1] = Prompt;
        _prefill.ContextLength[0] = Prompt;
        for (int b = 0; b < blocksPerSeq; b++) _prefill.BlockTable(0)[b] = b;
        _positions = Enumerable.Range(Context, Batch).ToArray();
        _logits = new float[cfg.VocabSize];
        for (int i = 0; i < _logits.Length; i++) _logits[i] = (float)(rng.NextDouble() * 10);
        _sampler = new Sampler(cfg.VocabSize);
        _greedy = new SamplingState(new SamplingParams { Temperature = 0 }, []);
        _topP = new SamplingState(new SamplingParams { Temperature = 0.8f, TopP = 0.9f, Seed = 1 }, []);
    }

    private LayerWeights Layer => _weights.Layers[0];

    [Benchmark(Description = "matmul q_proj 768x768, 1 row (GEMV)")]
    public void MatMulDecode() => _backend.MatMul(_x, 1, Layer.QProj, null, _y);

    [Benchmark(Description = "matmul gate_proj 2048x768, 32 rows")]
    public void MatMulBatch() => _backend.MatMul(_x, Batch, Layer.GateProj, null, _y);

    [Benchmark(Description = "matmul gate_proj 2048x768, 512 rows")]
    public void MatMulPrefill() => _backend.MatMul(_x, Prompt, Layer.GateProj, null, _y);

    [Benchmark(Description = "paged attention, 32 decode streams at context 192 (bf16 KV)")]
    public void AttentionDecode() => _backend.Attention(_q, _cache, 0, _decode, 12, 0.125f, 0, _out);

    [Benchmark(Description = "paged attention, 512-token prefill (bf16 KV)")]
    public void AttentionPrefill() => _backend.Attention(_q, _cache, 0, _prefill, 12, 0.125f, 0, _out);

    [Benchmark(Description = "RMSNorm 32x768")]
    public void RmsNorm() => _backend.RmsNorm(_x, Layer.InputNorm, 1e-5f, Batch, 768, _y);

    [Benchmark(Description = "RoPE q+k, 32 tokens x 12 heads")]
    public void Rope() => _backend.Rope(_q, _k, _positions, 12, 12, 64, _rope);

    [Benchmark(Description = "sample greedy over 32000")]
    public int SampleGreedy() => _sampler.Sample(_logits.AsSpan(), _greedy).TokenId;

    [Benchmark(Description = "sample top-p 0.9, temperature 0.8 over 32000")]
    public int SampleTopP()
    {
        // Sampling modifies the logits in place only through penalties (none here), so the row can be reused.
        return _sampler.Sample(_logits.AsSpan(), _topP).TokenId;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _backend.Dispose();
        _model.Dispose();
    }
}
