using InferenceServer.Core.Tensors;
using InferenceServer.Devices;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Adapters;
using InferenceServer.TestSupport;

namespace InferenceServer.Engine.Tests.Adapters;

public sealed class LoraEngineTests : IDisposable
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 24, IgnoreEos = true };
    private readonly TempDirectory _dir = new();
    private readonly OpenedModel _opened = ModelOpener.Open(SharedModels.TinyStories);

    private LoraAdapter Adapter(string name, int seed, int rank = 8, LoraTarget[]? targets = null)
    {
        string folder = _dir.File(name);
        if (!Directory.Exists(folder))
            RandomLoraAdapterWriter.Write(_opened.Model.Config, folder, rank, targets ?? [.. LoraTargets.All], seed, alpha: 2 * rank, magnitude: 0.15f);
        return LoraAdapterLoader.Load(folder, name, _opened.Model.Config, maxRank: 64);
    }

    private EngineCore NewEngine(int maxLoras = 8, TensorDType? loraDType = null) => EngineFactory.Create(_opened.Model, _opened.Tokenizer,
        new EngineOptions { Threads = 2, KvCacheMemoryBytes = 16 << 20, EnableLora = true, MaxLoras = maxLoras, MaxLoraRank = 64, BlockSize = 8, LoraDType = loraDType });

    private int[] Prompt(string text) => _opened.Tokenizer.Encode(text);

    private static Dictionary<long, int[]> RunToEnd(EngineCore engine)
    {
        var tokens = new Dictionary<long, List<int>>();
        while (engine.HasUnfinished)
            foreach (var o in engine.Step())
            {
                if (!tokens.TryGetValue(o.RequestId, out var list)) tokens[o.RequestId] = list = [];
                if (o.TokenId >= 0) list.Add(o.TokenId);
            }
        return tokens.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    private int[] MergedGreedy(LoraAdapter adapter, int[] prompt, TensorDType slotDType)
    {
        string folder = _dir.File($"merged-{adapter.Name}-{slotDType}");
        if (!Directory.Exists(folder)) MergedModel.Write(SharedModels.TinyStories, adapter, folder, slotDType);
        using var merged = ModelOpener.Open(folder);
        using var generator = EngineFactory.CreateGenerator(merged.Model, merged.Tokenizer, new EngineOptions { Threads = 2 });
        return [.. generator.Generate(prompt, Greedy).Select(e => e.TokenId)];
    }

    [Theory]
    [InlineData(8, new[] { LoraTarget.QProj, LoraTarget.KProj, LoraTarget.VProj, LoraTarget.OProj, LoraTarget.GateProj, LoraTarget.UpProj, LoraTarget.DownProj }, TensorDType.F32)]
    [InlineData(4, new[] { LoraTarget.QProj, LoraTarget.VProj }, TensorDType.F32)]
    [InlineData(64, new[] { LoraTarget.DownProj, LoraTarget.UpProj }, TensorDType.F32)]
    [InlineData(8, new[] { LoraTarget.QProj, LoraTarget.KProj, LoraTarget.VProj, LoraTarget.OProj, LoraTarget.GateProj, LoraTarget.UpProj, LoraTarget.DownProj }, TensorDType.BF16)]
    [InlineData(64, new[] { LoraTarget.DownProj, LoraTarget.UpProj }, TensorDType.BF16)]
    public void The_unmerged_adapter_generates_what_the_merged_weights_generate(int rank, LoraTarget[] targets, TensorDType slotDType)
    {
        var adapter = Adapter($"r{rank}-{targets.Length}", seed: rank, rank, targets);
        var prompt = Prompt("Once upon a time, there was a little dog");
        using var engine = NewEngine(loraDType: slotDType);
        Assert.Equal(slotDType, engine.Adapters!.DType);
        engine.Adapters!.Register(adapter);
        engine.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = adapter.Name });
        engine.Add(2, new EngineRequest { PromptTokens = prompt, Sampling = Greedy });
        var got = RunToEnd(engine);
        Assert.Equal(MergedGreedy(adapter, prompt, slotDType), got[1]);
        // The adapter must matter, or the comparison proves nothing.
        Assert.NotEqual(got[2], got[1]);
    }

    [Theory]
    [InlineData(TensorDType.F32)]
    [InlineData(TensorDType.BF16)]
    public void A_batch_mixing_eight_adapters_and_the_base_model_gives_each_request_its_solo_output(TensorDType slotDType)
    {
        var adapters = Enumerable.Range(0, 8).Select(i => Adapter($"mix{i}", seed: 100 + i, rank: 4 + 4 * (i % 3))).ToList();
        string[] texts = ["Once upon a time", "The little dog", "Tom had a red ball", "One day, a big bird"];
        var requests = new List<(long Id, string? Adapter, int[] Prompt)>();
        for (int i = 0; i < 12; i++) requests.Add((i, i < 8 ? adapters[i].Name : null, Prompt(texts[i % texts.Length])));

        var solo = new Dictionary<long, int[]>();
        using (var engine = NewEngine(loraDType: slotDType))
        {
            foreach (var a in adapters) engine.Adapters!.Register(a);
            foreach (var (id, adapter, prompt) in requests)
            {
                engine.Add(id, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = adapter });
                solo[id] = RunToEnd(engine)[id];
            }
        }
        using var mixed = NewEngine(loraDType: slotDType);
        foreach (var a in adapters) mixed.Adapters!.Register(a);
        foreach (var (id, adapter, prompt) in requests) mixed.Add(id, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = adapter });
        var together = RunToEnd(mixed);
        foreach (var (id, _, _) in requests) Assert.Equal(solo[id], together[id]);
        // Same prompt, different adapters: different outputs (the adapters are really applied per row).
        Assert.NotEqual(together[0], together[4]);
        Assert.Equal(mixed.Blocks.NumBlocks, mixed.Blocks.FreeBlockCount);
    }

    [Fact]
    public void With_fewer_slots_than_adapters_requests_wait_for_a_slot_and_slots_are_reused_least_recently_used_first()
    {
        var adapters = Enumerable.Range(0, 3).Select(i => Adapter($"lru{i}", seed: 200 + i)).ToList();
        var prompt = Prompt("Once upon a time");
        var expected = new Dictionary<string, int[]>();
        using (var roomy = NewEngine())
        {
            foreach (var a in adapters) roomy.Adapters!.Register(a);
            for (int i = 0; i < 3; i++)
            {
                roomy.Add(i, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = adapters[i].Name });
                expected[adapters[i].Name] = RunToEnd(roomy)[i];
            }
        }
        using var engine = NewEngine(maxLoras: 2);
        foreach (var a in adapters) engine.Adapters!.Register(a);
        engine.Add(0, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = "lru0" });
        engine.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = "lru1" });
        engine.Add(2, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = "lru2" });
        engine.Add(3, new EngineRequest { PromptTokens = prompt, Sampling = Greedy });
        var first = engine.Step().Where(o => o.TokenId >= 0).ToDictionary(o => o.RequestId, o => o.TokenId);
        // Two slots, both held: the third adapter's request waits, the base-model request behind it runs.
        Assert.Equal(3, engine.Stats.RunningRequests);
        Assert.Equal(1, engine.Stats.WaitingRequests);
        var got = RunToEnd(engine);
        foreach (var (id, token) in first) got[id] = [token, .. got[id]];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[adapters[i].Name], got[i]);
        Assert.Equal(3, engine.Adapters!.SlotLoads);
        // lru2 took the slot of lru0 (used least recently); asking for lru1 again needs no load, lru0 does.
        Assert.Equal(["lru1", "lru2"], engine.Adapters.Resident.Order());
        engine.Add(4, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = "lru1" });
        RunToEnd(engine);
        Assert.Equal(3, engine.Adapters.SlotLoads);
        engine.Add(5, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, Adapter = "lru0" });
        Assert.Equal(expected["lru0"], RunToEnd(engine)[5]);
        Assert.Equal(4, engine.Adapters.SlotLoads);
        Assert.Equal(["lru0", "lru1"], engine.Adapters.Resident.Order());
    }

    [Fact]
    public void Adapters_never_share_cached_blocks_not_even_a_reloaded_adapter_of_the_same_name()
    {
        var a = Adapter("cache-a", seed: 300);
        var b = Adapter("cache-b", seed: 301);
        var prompt = Prompt("Once upon a time, there was a little girl named Lily. She loved to play");
        using var engine = NewEngine();
        engine.Adapters!.Register(a);
        engine.Adapters.Register(b);
        int Cached(long id, string? adapter)
        {
            engine.Add(id, new EngineRequest { PromptTokens = prompt, Sampling = Greedy with { MaxTokens = 2 }, Adapter = adapter });
            int cached = -1;
            while (engine.HasUnfinished)
                foreach (var o in engine.Step()) if (o.RequestId == id && o.IsFinal) cached = o.Usage.CachedPromptTokens;
            return cached;
        }
        Assert.Equal(0, Cached(1, "cache-a"));
        Assert.True(Cached(2, "cache-a") > 0);
        Assert.Equal(0, Cached(3, "cache-b"));
        Assert.Equal(0, Cached(4, null));
        engine.Adapters.Unregister("cache-a");
        engine.Adapters.Register(Adapter("cache-a", seed: 300));
        Assert.Equal(0, Cached(5, "cache-a"));
    }

    [Theory]
    [InlineData(null, null, TensorDType.F32)]
    [InlineData(TensorDType.BF16, null, TensorDType.BF16)]
    [InlineData(TensorDType.Q8_0, null, TensorDType.BF16)]
    [InlineData(TensorDType.Q8_0, TensorDType.F32, TensorDType.F32)]
    public void Lora_slots_default_to_f32_for_f32_weights_and_to_bf16_otherwise(TensorDType? weights, TensorDType? chosen, TensorDType expected)
    {
        using var engine = EngineFactory.Create(_opened.Model, _opened.Tokenizer,
            new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, EnableLora = true, DType = weights, LoraDType = chosen });
        Assert.Equal(expected, engine.Adapters!.DType);
    }

    [Fact]
    public void Unknown_adapters_and_adapters_without_lora_enabled_are_refused()
    {
        using var engine = NewEngine();
        var e = Assert.Throws<UnknownAdapterException>(() => engine.Add(1, new EngineRequest { PromptTokens = Prompt("Hi"), Sampling = Greedy, Adapter = "nope" }));
        Assert.Contains("'nope' is not loaded", e.Message, StringComparison.Ordinal);
        using var plain = EngineFactory.Create(_opened.Model, _opened.Tokenizer, new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20 });
        Assert.Throws<UnknownAdapterException>(() => plain.Validate(new EngineRequest { PromptTokens = Prompt("Hi"), Adapter = "x" }));
        Assert.False(engine.HasUnfinished);
    }

    public void Dispose()
    {
        _opened.Dispose();
        _dir.Dispose();
    }
}
