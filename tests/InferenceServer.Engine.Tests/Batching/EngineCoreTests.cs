using InferenceServer.Core.Tensors;
using InferenceServer.Devices;
using InferenceServer.Engine.Generation;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.TestSupport;

namespace InferenceServer.Engine.Tests.Batching;

public sealed class EngineCoreTests : IDisposable
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 30, IgnoreEos = true };
    private readonly OpenedModel _opened = ModelOpener.Open(SharedModels.TinyStories);
    private readonly TextGenerator _solo;
    private readonly SoloReference _reference;

    public EngineCoreTests()
    {
        _solo = EngineFactory.CreateGenerator(_opened.Model, _opened.Tokenizer, new EngineOptions { Threads = 2 });
        _reference = new SoloReference(_solo);
    }

    private EngineCore NewEngine(EngineOptions? options = null) =>
        EngineFactory.Create(_opened.Model, _opened.Tokenizer, options ?? new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20 });

    private int[] Prompt(string text) => _opened.Tokenizer.Encode(text);

    private static Dictionary<long, List<RequestOutput>> RunToEnd(EngineCore engine)
    {
        var outputs = new Dictionary<long, List<RequestOutput>>();
        for (int guard = 0; engine.HasUnfinished; guard++)
        {
            Assert.True(guard < 10_000, "the engine did not finish");
            foreach (var o in engine.Step())
            {
                if (!outputs.TryGetValue(o.RequestId, out var list)) outputs[o.RequestId] = list = [];
                list.Add(o);
            }
        }
        return outputs;
    }

    [Fact]
    public void Concurrent_requests_each_get_what_they_get_alone_and_all_blocks_come_back()
    {
        using var engine = NewEngine();
        string[] texts = ["Once upon a time", "The little dog", "Lily and Tom went to the park. They", "One day, a big bird"];
        for (int i = 0; i < texts.Length; i++) engine.Add(i, new EngineRequest { PromptTokens = Prompt(texts[i]), Sampling = Greedy with { MaxTokens = 20 + i * 5 } });
        var outputs = RunToEnd(engine);
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = _reference.Tokens(Prompt(texts[i]), Greedy with { MaxTokens = 20 + i * 5 });
            Assert.Equal(expected, outputs[i].Select(o => o.TokenId));
            Assert.Equal(FinishReason.Length, outputs[i][^1].Finish);
            Assert.All(outputs[i].SkipLast(1), o => Assert.Null(o.Finish));
            Assert.Equal(_opened.Tokenizer.Decode(expected), string.Concat(outputs[i].Select(o => o.TextDelta)));
            Assert.Equal(new RequestUsage(Prompt(texts[i]).Length, expected.Length, 0), outputs[i][^1].Usage);
        }
        Assert.Equal(engine.Blocks.NumBlocks, engine.Blocks.FreeBlockCount);
        Assert.Equal(0, engine.Blocks.SequenceCount);
    }

    [Fact]
    public void A_second_request_with_the_same_prompt_reuses_its_full_blocks_and_says_so_in_usage()
    {
        using var engine = NewEngine(new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, BlockSize = 4 });
        var prompt = Prompt("Once upon a time, there was a little girl named Lily. She loved to play outside");
        engine.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = Greedy });
        var first = RunToEnd(engine)[1];
        engine.Add(2, new EngineRequest { PromptTokens = prompt, Sampling = Greedy });
        var second = RunToEnd(engine)[2];
        Assert.Equal(first.Select(o => o.TokenId), second.Select(o => o.TokenId));
        Assert.Equal(0, first[^1].Usage.CachedPromptTokens);
        // Every full block but the one holding the last prompt token (which is always computed).
        Assert.Equal((prompt.Length - 1) / 4 * 4, second[^1].Usage.CachedPromptTokens);
        Assert.Equal(_reference.Tokens(prompt, Greedy), second.Select(o => o.TokenId));
    }

    [Fact]
    public void A_different_cache_salt_does_not_reuse_blocks()
    {
        using var engine = NewEngine(new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, BlockSize = 4 });
        var prompt = Prompt("Once upon a time, there was a little girl named Lily.");
        engine.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, CacheSalt = "tenant-a" });
        RunToEnd(engine);
        engine.Add(2, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, CacheSalt = "tenant-b" });
        Assert.Equal(0, RunToEnd(engine)[2][^1].Usage.CachedPromptTokens);
        engine.Add(3, new EngineRequest { PromptTokens = prompt, Sampling = Greedy, CacheSalt = "tenant-a" });
        Assert.True(RunToEnd(engine)[3][^1].Usage.CachedPromptTokens > 0);
    }

    [Fact]
    public void Abort_frees_the_blocks_at_once_and_ends_the_request_with_abort()
    {
        using var engine = NewEngine();
        engine.Add(7, new EngineRequest { PromptTokens = Prompt("Once upon a time"), Sampling = Greedy with { MaxTokens = 100 } });
        engine.Add(8, new EngineRequest { PromptTokens = Prompt("The cat"), Sampling = Greedy with { MaxTokens = 10 } });
        for (int i = 0; i < 3; i++) engine.Step();
        Assert.True(engine.Blocks.FreeBlockCount < engine.Blocks.NumBlocks);
        Assert.True(engine.Abort(7));
        Assert.Equal(1, engine.Blocks.SequenceCount);
        Assert.False(engine.Abort(7));
        var next = engine.Step();
        var aborted = Assert.Single(next, o => o.RequestId == 7);
        Assert.Equal(FinishReason.Abort, aborted.Finish);
        Assert.Equal(3, aborted.Usage.CompletionTokens);
        var rest = RunToEnd(engine);
        Assert.False(rest.ContainsKey(7));
        Assert.Equal(engine.Blocks.NumBlocks, engine.Blocks.FreeBlockCount);
    }

    [Fact]
    public void Stop_strings_and_eos_end_a_request_early_and_free_its_blocks()
    {
        using var engine = NewEngine();
        var prompt = Prompt("Once upon a time");
        var free = _solo.Generate(prompt, Greedy with { MaxTokens = 40 }).ToList();
        string text = string.Concat(free.Select(e => e.TextDelta));
        string stop = text.Substring(text.Length / 2, 3);
        engine.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = Greedy with { MaxTokens = 40, Stop = [stop] } });
        engine.Add(2, new EngineRequest { PromptTokens = prompt, Sampling = new SamplingParams { Temperature = 0, MaxTokens = 400 } });
        var outputs = RunToEnd(engine);
        Assert.Equal(FinishReason.Stop, outputs[1][^1].Finish);
        Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], string.Concat(outputs[1].Select(o => o.TextDelta)));
        Assert.Equal(FinishReason.Stop, outputs[2][^1].Finish);
        Assert.Contains(outputs[2][^1].TokenId, _opened.Tokenizer.EosTokenIds);
        Assert.Equal(engine.Blocks.NumBlocks, engine.Blocks.FreeBlockCount);
    }

    [Fact]
    public void Seeded_sampling_is_reproducible_across_batch_compositions()
    {
        var sampling = new SamplingParams { Temperature = 0.8f, TopP = 0.9f, Seed = 42, MaxTokens = 25, IgnoreEos = true };
        var prompt = Prompt("The little dog");
        using var alone = NewEngine();
        alone.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = sampling });
        var a = RunToEnd(alone)[1].Select(o => o.TokenId).ToArray();
        using var crowded = NewEngine();
        crowded.Add(1, new EngineRequest { PromptTokens = Prompt("Once upon a time"), Sampling = sampling with { Seed = 7 } });
        crowded.Add(2, new EngineRequest { PromptTokens = prompt, Sampling = sampling });
        crowded.Add(3, new EngineRequest { PromptTokens = Prompt("Tom had a red ball"), Sampling = sampling with { Seed = null } });
        Assert.Equal(a, RunToEnd(crowded)[2].Select(o => o.TokenId));
    }

    [Theory]
    [InlineData(new int[0], 10, "the prompt is empty")]
    [InlineData(new[] { 1, 5000 }, 10, "outside the vocabulary")]
    [InlineData(new[] { 1, 2, 3 }, 510, "maximum context length is 512 tokens. However, you requested 513 tokens (3 in the prompt, 510 for the completion)")]
    public void Invalid_requests_are_refused_with_a_clear_message(int[] prompt, int maxTokens, string message)
    {
        using var engine = NewEngine();
        var e = Assert.Throws<InvalidRequestException>(() => engine.Add(1, new EngineRequest { PromptTokens = prompt, Sampling = Greedy with { MaxTokens = maxTokens } }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("top_p", Assert.Throws<InvalidRequestException>(() => engine.Validate(new EngineRequest { PromptTokens = [1], Sampling = Greedy with { TopP = 0 } })).Message, StringComparison.Ordinal);
        Assert.False(engine.HasUnfinished);
    }

    [Fact]
    public void A_bf16_kv_cache_batches_exactly_like_a_solo_bf16_run_and_auto_picks_it_for_quantized_weights()
    {
        var bf16 = new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, KvCacheDType = TensorDType.BF16 };
        using var solo = EngineFactory.CreateGenerator(_opened.Model, _opened.Tokenizer, bf16);
        using var engine = NewEngine(bf16);
        Assert.Equal(TensorDType.BF16, engine.KvDType);
        string[] texts = ["Once upon a time", "The little dog", "Tom had a red ball"];
        for (int i = 0; i < texts.Length; i++) engine.Add(i, new EngineRequest { PromptTokens = Prompt(texts[i]), Sampling = Greedy });
        var outputs = RunToEnd(engine);
        for (int i = 0; i < texts.Length; i++)
            Assert.Equal(solo.Generate(Prompt(texts[i]), Greedy).Select(e => e.TokenId), outputs[i].Select(o => o.TokenId));

        using var f32 = NewEngine();
        Assert.Equal(TensorDType.F32, f32.KvDType);
        using var q8 = ModelOpener.Open(SharedModels.TinyStoriesQ8Gguf);
        using var quantized = EngineFactory.Create(q8.Model, q8.Tokenizer, new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20 });
        Assert.Equal(TensorDType.BF16, quantized.KvDType);
    }

    [Fact]
    public void A_kv_budget_below_one_context_is_refused_at_start()
    {
        var e = Assert.Throws<ArgumentException>(() => NewEngine(new EngineOptions { KvCacheMemoryBytes = 100_000 }));
        Assert.Contains("less than one full context of 512", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _solo.Dispose();
        _opened.Dispose();
    }
}
