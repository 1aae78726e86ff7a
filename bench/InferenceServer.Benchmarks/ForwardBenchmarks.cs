using BenchmarkDotNet.Attributes;
using InferenceServer.Backends;
using InferenceServer.Core.Tensors;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Engine.Runner;

namespace InferenceServer.Benchmarks;

/// <summary>
/// Single-sequence decode step and 512-token prefill on random models of real shapes, through the real loader,
/// runner and CPU kernels (2 threads, as on the CI machines).
/// </summary>
[Config(typeof(ModelBenchConfig))]
public class ForwardBenchmarks
{
    public const int DecodeSteps = 16;
    private const int PromptTokens = 512;
    private OpenedModel _opened = null!;
    private EngineCore _engine = null!;
    private ModelRunner _runner = null!;
    private ForwardBatch _batch = null!;
    private float[] _logits = [];
    private int _vocab;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    public static IEnumerable<string> Models =>
        (Environment.GetEnvironmentVariable("INFERENCE_SERVER_BENCH_SET") ?? "stories110m-f32,stories110m-f16,stories110m-q8_0,qwen2.5-0.5b-f16,qwen2.5-0.5b-q8_0")
        .Split(',', StringSplitOptions.RemoveEmptyEntries);

    [GlobalSetup]
    public void Setup()
    {
        // Built the one way engines are built; the benchmark then drives the engine's runner directly, with no request
        // in the engine, over an identity block table. KV stays f32 for every weight type, as these figures always were.
        // The weights stay memory-mapped from the file: it is closed only in Cleanup.
        _opened = ModelOpener.Open(BenchModels.Ensure(Model));
        _engine = EngineFactory.Create(_opened.Model, _opened.Tokenizer, new EngineOptions
        {
            Device = ComputeDevice.Cpu,
            Threads = 2,
            MaxNumSeqs = 1,
            MaxNumBatchedTokens = PromptTokens,
            MaxModelLen = 1024,
            KvCacheDType = TensorDType.F32,
            EnablePrefixCaching = false,
        });
        BytesPerToken = _engine.Weights.MatrixBytesPerToken;
        _runner = _engine.Runner;
        int blocks = _engine.Blocks.NumBlocks;
        _batch = new ForwardBatch(PromptTokens, 1, blocks);
        for (int i = 0; i < blocks; i++) _batch.Attention.BlockTable(0)[i] = i;
        _vocab = _engine.Config.VocabSize;
        _logits = new float[_vocab];
        var rng = new Random(1);
        for (int i = 0; i < PromptTokens; i++) _batch.TokenIds[i] = rng.Next(3, Math.Min(_vocab, 32000));
        File.WriteAllText(BytesFile(Model), BytesPerToken.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Weight bytes one decode step reads.</summary>
    public long BytesPerToken { get; private set; }

    /// <summary>Where the setup leaves bytes-per-token for the summary (benchmarks run in a child process).</summary>
    public static string BytesFile(string model) => Path.Combine(BenchModels.Root, model + ".bytes-per-token");

    [Benchmark(OperationsPerInvoke = DecodeSteps, Description = "decode step (context 128..143)")]
    public void Decode()
    {
        // Each step attends to ~128 cached tokens, a typical short chat context.
        for (int i = 0; i < DecodeSteps; i++)
        {
            int pos = 128 + i;
            _batch.TokenIds[0] = 1000 + i;
            _batch.Positions[0] = pos;
            _batch.SlotMapping[0] = pos;
            _batch.SetSingleSequence(1, pos + 1, 0);
            _runner.Forward(_batch, _logits);
        }
    }

    [Benchmark(Description = "prefill 512 tokens")]
    public void Prefill()
    {
        for (int i = 0; i < PromptTokens; i++)
        {
            _batch.Positions[i] = i;
            _batch.SlotMapping[i] = i;
        }
        _batch.SetSingleSequence(PromptTokens, PromptTokens, PromptTokens - 1);
        _runner.Forward(_batch, _logits);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _opened.Dispose();
    }
}
