using InferenceServer.Backends;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Core.Tensors;
using InferenceServer.Cuda.Tests.Support;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Adapters;
using InferenceServer.TestSupport;

namespace InferenceServer.Cuda.Tests.Backend;

/// <summary>
/// The whole engine on the CUDA backend (the emulation here, a GPU where present) against the same engine on the CPU
/// backend, on the trained model: the same greedy tokens for a batch mixing prefill chunks, decode, a shared prefix
/// and LoRA adapters.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class CudaEngineTests : IDisposable
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 16, IgnoreEos = true };
    private readonly TempDirectory _dir = new();

    public static TheoryData<string, TensorDType?> Models() => new()
    {
        { SharedModels.TinyStories, null },
        { SharedModels.TinyStories, TensorDType.BF16 },
        { SharedModels.TinyStoriesQ8Gguf, null },
    };

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Models))]
    [KernelCases(KernelDevices.Gpu, nameof(Models))]
    public void A_mixed_batch_generates_the_cpu_backends_greedy_tokens(string device, string model, TensorDType? weights)
    {
        using var opened = ModelOpener.Open(model);
        string[] texts = ["Once upon a time", "Once upon a time, there was a little girl named Lily", "The dog ran to the park and"];
        // A small batch budget splits the longer prompts into chunks that share steps with other requests' decode.
        var options = new EngineOptions { Threads = 2, KvCacheMemoryBytes = 4 << 20, BlockSize = 8, MaxNumBatchedTokens = 12, DType = weights };
        // The reference runs the CPU's portable path, which multiplies Q8_0 weights with float activations as the CUDA
        // kernels do; the SIMD paths quantize activations to int8 (as llama.cpp does), whose greedy tokens can differ
        // from the float product's at near-ties (the AVX2 path's did once, at one token).
        var expected = Run(opened, options with { CpuPath = CpuIsa.Portable }, texts);
        var actual = Run(opened, options with { Device = DeviceOf(device) }, texts, picked: Picked.All);
        Assert.Equal(expected, actual);
        Assert.Equal(expected, Run(opened, options with { Device = DeviceOf(device), EnforceEager = true }, texts, picked: Picked.All));
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(HostSampling))]
    [KernelCases(KernelDevices.Gpu, nameof(HostSampling))]
    public void Steps_with_penalties_or_logprobs_sample_on_the_host_and_still_match(string device, string kind)
    {
        using var opened = ModelOpener.Open(SharedModels.TinyStories);
        string[] texts = ["Once upon a time", "The little bird"];
        var special = kind == "logprobs" ? Greedy with { Logprobs = 2 } : Greedy with { RepetitionPenalty = 1.3f };
        // One plain greedy request beside it: the whole step still samples on the host.
        var sampling = new[] { special, Greedy };
        var options = new EngineOptions { Threads = 2, KvCacheMemoryBytes = 4 << 20, BlockSize = 8 };
        var expected = Run(opened, options, texts, sampling: sampling);
        var actual = Run(opened, options with { Device = DeviceOf(device) }, texts, sampling: sampling, picked: Picked.None);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(BlockSizes))]
    [KernelCases(KernelDevices.Gpu, nameof(BlockSizes))]
    public void Decode_that_crosses_a_context_bucket_captures_a_graph_per_bucket_and_matches(string device, int blockSize)
    {
        using var opened = ModelOpener.Open(SharedModels.TinyStories);
        // A prompt just under 256 tokens: decoding 24 more crosses from the 256 bucket into the 512 one.
        var sentence = opened.Tokenizer.Encode("Once upon a time, there was a little girl named Lily. ");
        int[] prompt = [.. Enumerable.Repeat(sentence.Skip(1), 64).SelectMany(t => t).Take(AttentionBatchMinBucket - 10)];
        var options = new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, BlockSize = blockSize };
        var sampling = Greedy with { MaxTokens = 24 };
        int[] Generate(EngineOptions o, out EngineCore engine)
        {
            engine = EngineFactory.Create(opened.Model, opened.Tokenizer, o);
            engine.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = sampling });
            var tokens = new List<int>();
            while (engine.HasUnfinished)
                foreach (var output in engine.Step())
                    if (output.TokenId >= 0) tokens.Add(output.TokenId);
            return [.. tokens];
        }
        var expected = Generate(options, out var cpu);
        cpu.Dispose();
        var actual = Generate(options with { Device = DeviceOf(device) }, out var cuda);
        using (cuda)
        {
            Assert.Equal(expected, actual);
            var graphs = cuda.GraphStats!.Value;
            Assert.Null(graphs.DisabledReason);
            Assert.True(graphs.Captures >= 2, $"{graphs.Captures} captures: one per context bucket expected");
            Assert.True(graphs.Replays > 0);
        }
    }

    private const int AttentionBatchMinBucket = Backends.AttentionBatch.MinPlannedContext;

    public static TheoryData<int> BlockSizes() => new(8, 16);

    public static TheoryData<string> HostSampling() => new("repetition-penalty", "logprobs");

    private enum Picked
    {
        Any,
        All,
        None,
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(LoraDTypes))]
    [KernelCases(KernelDevices.Gpu, nameof(LoraDTypes))]
    public void Requests_for_different_adapters_in_one_batch_generate_the_cpu_backends_tokens(string device, TensorDType loraDType)
    {
        using var opened = ModelOpener.Open(SharedModels.TinyStories);
        var adapters = new[] { Adapter(opened, "a", 8, seed: 1), Adapter(opened, "b", 64, seed: 2, [LoraTarget.QProj, LoraTarget.VProj, LoraTarget.DownProj]) };
        string[] texts = ["Once upon a time", "Once upon a time", "The little bird", "The little bird"];
        string?[] names = ["a", "b", null, "a"];
        var options = new EngineOptions
        {
            Threads = 2,
            KvCacheMemoryBytes = 4 << 20,
            BlockSize = 8,
            EnableLora = true,
            MaxLoras = 2,
            MaxLoraRank = 64,
            LoraDType = loraDType,
        };
        var expected = Run(opened, options, texts, names, adapters);
        var actual = Run(opened, options with { Device = DeviceOf(device) }, texts, names, adapters, picked: Picked.All);
        Assert.Equal(expected, actual);
        // The adapters really change the output (else the comparison above proves little).
        Assert.NotEqual(expected[0], expected[1]);
    }

    public static TheoryData<TensorDType> LoraDTypes() => new(TensorDType.F32, TensorDType.BF16);

    private static ComputeDevice DeviceOf(string device) => device == KernelDevices.Gpu ? ComputeDevice.Cuda : ComputeDevice.CudaEmulation;

    private LoraAdapter Adapter(OpenedModel opened, string name, int rank, int seed, LoraTarget[]? targets = null)
    {
        string folder = _dir.File(name);
        RandomLoraAdapterWriter.Write(opened.Model.Config, folder, rank, targets ?? [.. LoraTargets.All], seed, alpha: 2 * rank, magnitude: 0.15f);
        return LoraAdapterLoader.Load(folder, name, opened.Model.Config, maxRank: 64);
    }

    /// <param name="picked">What to assert of the tokens picked on the device (argmax without copying logits).</param>
    private static List<int[]> Run(OpenedModel opened, EngineOptions options, string[] texts, string?[]? adapters = null, LoraAdapter[]? loaded = null,
        SamplingParams[]? sampling = null, Picked picked = Picked.Any)
    {
        using var engine = EngineFactory.Create(opened.Model, opened.Tokenizer, options);
        foreach (var adapter in loaded ?? []) engine.Adapters!.Register(adapter);
        for (int i = 0; i < texts.Length; i++)
            engine.Add(i, new EngineRequest { PromptTokens = opened.Tokenizer.Encode(texts[i]), Sampling = sampling?[i] ?? Greedy, Adapter = adapters?[i] });
        var tokens = texts.Select(_ => new List<int>()).ToArray();
        for (int guard = 0; engine.HasUnfinished; guard++)
        {
            Assert.True(guard < 1_000, "the engine did not finish");
            foreach (var o in engine.Step())
                if (o.TokenId >= 0) tokens[o.RequestId].Add(o.TokenId);
        }
        Assert.Equal(engine.Blocks.NumBlocks, engine.Blocks.FreeBlockCount);
        if (options.Device != ComputeDevice.Cpu && options.EnforceEager) Assert.Null(engine.GraphStats);
        else if (options.Device != ComputeDevice.Cpu)
        {
            // Decode steps replay captured CUDA graphs, and no capture failed.
            var graphs = engine.GraphStats!.Value;
            Assert.Null(graphs.DisabledReason);
            Assert.True(graphs.Replays > 0, "no decode step replayed a graph");
        }
        if (picked == Picked.All) Assert.Equal(tokens.Sum(t => t.Count), engine.DevicePickedTokens);
        if (picked == Picked.None) Assert.Equal(0, engine.DevicePickedTokens);
        return [.. tokens.Select(t => t.ToArray())];
    }

    public void Dispose() => _dir.Dispose();
}
