using InferenceServer.Devices;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Adapters;
using InferenceServer.TestSupport;

namespace InferenceServer.Engine.Tests.Adapters;

public sealed class LlmEngineAdapterTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private readonly OpenedModel _opened = ModelOpener.Open(SharedModels.TinyStories);

    private LoraAdapter Adapter(string name)
    {
        string folder = _dir.File(name);
        RandomLoraAdapterWriter.Write(_opened.Model.Config, folder, 8, [.. LoraTargets.All], seed: name.Length, alpha: 16, magnitude: 0.15f);
        return LoraAdapterLoader.Load(folder, name, _opened.Model.Config, 16);
    }

    [Fact]
    public async Task Adapters_load_and_unload_while_the_engine_runs_and_unloading_aborts_their_requests()
    {
        using var engine = new LlmEngine(EngineFactory.Create(_opened.Model, _opened.Tokenizer,
            new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, EnableLora = true, OutputBufferCapacity = 1 }));
        var prompt = _opened.Tokenizer.Encode("Once upon a time");
        var request = new EngineRequest { PromptTokens = prompt, Sampling = new SamplingParams { Temperature = 0, MaxTokens = 400, IgnoreEos = true }, Adapter = "story" };
        Assert.Throws<UnknownAdapterException>(() => engine.Submit(request));

        await engine.LoadAdapterAsync(Adapter("story")).WaitAsync(Timeout);
        Assert.Contains("story", engine.Adapters);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.LoadAdapterAsync(Adapter("story")).WaitAsync(Timeout));

        // The reader does not read, so the request is still running (paused) when the adapter goes away.
        var stream = engine.Submit(request);
        Assert.True(await stream.Outputs.WaitToReadAsync().AsTask().WaitAsync(Timeout));
        await engine.UnloadAdapterAsync("story").WaitAsync(Timeout);
        Assert.DoesNotContain("story", engine.Adapters);
        var outputs = new List<RequestOutput>();
        await foreach (var o in stream.ReadAllAsync()) outputs.Add(o);
        Assert.Equal(FinishReason.Abort, outputs[^1].Finish);
        Assert.Throws<UnknownAdapterException>(() => engine.Submit(request));
        await Assert.ThrowsAsync<UnknownAdapterException>(() => engine.UnloadAdapterAsync("story").WaitAsync(Timeout));
        var deadline = DateTime.UtcNow + Timeout;
        while (engine.Stats.FreeBlocks != engine.Stats.TotalBlocks && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal(engine.Stats.TotalBlocks, engine.Stats.FreeBlocks);
    }

    [Fact]
    public async Task Host_memory_holds_max_cpu_loras_adapters_evicting_the_least_recently_used_one_nobody_needs()
    {
        using var engine = new LlmEngine(EngineFactory.Create(_opened.Model, _opened.Tokenizer,
            new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, EnableLora = true, MaxLoras = 1, MaxCpuLoras = 2, OutputBufferCapacity = 1 }));
        var prompt = _opened.Tokenizer.Encode("Once upon a time");
        EngineRequest Request(string adapter, int maxTokens) => new() { PromptTokens = prompt, Sampling = new SamplingParams { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true }, Adapter = adapter };
        async Task Run(string adapter)
        {
            await foreach (var _ in engine.GenerateAsync(Request(adapter, 3))) { }
        }
        await engine.LoadAdapterAsync(Adapter("a")).WaitAsync(Timeout);
        await engine.LoadAdapterAsync(Adapter("b")).WaitAsync(Timeout);
        await Run("a");
        await engine.LoadAdapterAsync(Adapter("c")).WaitAsync(Timeout);
        // b was used least recently (never): it goes, a stays.
        Assert.Equal(["a", "c"], engine.Adapters.Order());

        // An adapter a running request needs is never evicted: with a and c both needed, loading d fails.
        var holdA = engine.Submit(Request("a", 400));
        var holdC = engine.Submit(Request("c", 400));
        Assert.True(await holdA.Outputs.WaitToReadAsync().AsTask().WaitAsync(Timeout));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.LoadAdapterAsync(Adapter("d")).WaitAsync(Timeout));
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
        holdA.Abort();
        holdC.Abort();
        await foreach (var _ in holdA.ReadAllAsync()) { }
        await foreach (var _ in holdC.ReadAllAsync()) { }
        await engine.LoadAdapterAsync(Adapter("d")).WaitAsync(Timeout);
        Assert.Equal(2, engine.Adapters.Count);
        Assert.Contains("d", engine.Adapters);
    }

    public void Dispose()
    {
        _opened.Dispose();
        _dir.Dispose();
    }
}
