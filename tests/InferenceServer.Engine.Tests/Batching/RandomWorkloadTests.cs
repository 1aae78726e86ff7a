using InferenceServer.Devices;
using InferenceServer.Engine.Generation;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.TestSupport;
using Xunit.Abstractions;

namespace InferenceServer.Engine.Tests.Batching;

/// <summary>
/// Random workloads on the real engine and model: arrivals over time, prompts sharing prefixes, random lengths,
/// cancellations, and a KV pool small enough to force preemption. Every request's greedy output must equal
/// the same request run alone without cache, and no block may leak.
/// </summary>
public sealed class RandomWorkloadTests : IDisposable
{
    private const int Context = 128;
    private readonly OpenedModel _opened = ModelOpener.Open(SharedModels.TinyStories);
    private readonly TextGenerator _solo;
    private readonly SoloReference _reference;
    private readonly ITestOutputHelper _log;

    private static readonly string[] Prefixes =
    [
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the sun with her friends",
        "One day, a big brown dog went to the park. He saw a ball",
        "Tom and Sue were best friends. Every morning they",
    ];

    private static readonly string[] Tails = [" and", " the cat", " she was happy.", " Then", " a big tree", " They played", "!", " Mom said"];

    public RandomWorkloadTests(ITestOutputHelper log)
    {
        _log = log;
        _solo = EngineFactory.CreateGenerator(_opened.Model, _opened.Tokenizer, new EngineOptions { Threads = 2, MaxModelLen = Context });
        _reference = new SoloReference(_solo);
    }

    private sealed record Planned(long Id, int ArrivalStep, int[] Prompt, SamplingParams Sampling, int? CancelStep, int Priority);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Greedy_outputs_equal_solo_runs_and_no_block_leaks(int seed)
    {
        var rng = new Random(seed);
        int blockSize = new[] { 4, 8, 16 }[rng.Next(3)];
        var options = new EngineOptions
        {
            Threads = 2,
            MaxModelLen = Context,
            BlockSize = blockSize,
            MaxNumBatchedTokens = new[] { 16, 32, 96 }[rng.Next(3)],
            MaxNumSeqs = new[] { 2, 4, 8 }[rng.Next(3)],
            LongPrefillChunk = rng.Next(2) == 0 ? null : 8,
            Policy = rng.Next(2) == 0 ? SchedulingPolicy.Fcfs : SchedulingPolicy.Priority,
            // One full context and a little more: concurrent requests must preempt each other.
            KvCacheMemoryBytes = KvCacheSizing.BytesPerBlock(_opened.Model.Config, blockSize) * (Context / blockSize + 3),
        };
        var plan = Plan(rng, count: 18);
        using var engine = EngineFactory.Create(_opened.Model, _opened.Tokenizer, options);
        var got = plan.ToDictionary(p => p.Id, _ => new List<RequestOutput>());
        int step = 0;
        while (step <= plan.Max(p => p.ArrivalStep) || engine.HasUnfinished)
        {
            Assert.True(step < 20_000, "the workload did not finish");
            foreach (var p in plan.Where(p => p.ArrivalStep == step))
                engine.Add(p.Id, new EngineRequest { PromptTokens = p.Prompt, Sampling = p.Sampling, Priority = p.Priority });
            foreach (var p in plan.Where(p => p.CancelStep == step)) engine.Abort(p.Id);
            foreach (var o in engine.Step()) got[o.RequestId].Add(o);
            Assert.InRange(engine.Blocks.FreeBlockCount, 0, engine.Blocks.NumBlocks);
            step++;
        }

        var stats = engine.Stats;
        _log.WriteLine($"seed {seed}: block {blockSize}, {stats.Steps} steps, {stats.Preemptions} preemptions, prefix hit rate {stats.PrefixCache.HitRate:P1}");
        Assert.Equal(engine.Blocks.NumBlocks, engine.Blocks.FreeBlockCount);
        Assert.Equal(0, engine.Blocks.SequenceCount);
        foreach (var p in plan)
        {
            var outputs = got[p.Id];
            var expected = _reference.Tokens(p.Prompt, p.Sampling);
            var tokens = outputs.Where(o => o.TokenId >= 0).Select(o => o.TokenId).ToArray();
            Assert.True(outputs.Count(o => o.IsFinal) <= 1, $"request {p.Id} finished twice");
            if (outputs.Count > 0 && outputs[^1].Finish == FinishReason.Abort)
            {
                Assert.NotNull(p.CancelStep);
                Assert.Equal(expected.Take(tokens.Length), tokens);
            }
            else
            {
                Assert.Equal(expected, tokens);
                Assert.NotNull(outputs[^1].Finish);
            }
        }
    }

    [Fact]
    public void The_workloads_exercise_preemption_and_prefix_hits()
    {
        // Guards the property test above against workloads too gentle to test anything.
        long preemptions = 0, hits = 0;
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var rng = new Random(seed);
            var options = new EngineOptions
            {
                Threads = 2,
                MaxModelLen = Context,
                BlockSize = 8,
                MaxNumSeqs = 8,
                MaxNumBatchedTokens = 64,
                KvCacheMemoryBytes = KvCacheSizing.BytesPerBlock(_opened.Model.Config, 8) * (Context / 8 + 3),
            };
            using var engine = EngineFactory.Create(_opened.Model, _opened.Tokenizer, options);
            var plan = Plan(rng, count: 18);
            for (int step = 0; step <= plan.Max(p => p.ArrivalStep) || engine.HasUnfinished; step++)
            {
                foreach (var p in plan.Where(p => p.ArrivalStep == step))
                    engine.Add(p.Id, new EngineRequest { PromptTokens = p.Prompt, Sampling = p.Sampling });
                engine.Step();
            }
            preemptions += engine.Stats.Preemptions;
            hits += engine.Stats.PrefixCache.HitTokens;
        }
        Assert.True(preemptions > 0, "no preemption happened");
        Assert.True(hits > 0, "no prefix hit happened");
    }

    private List<Planned> Plan(Random rng, int count)
    {
        var plan = new List<Planned>();
        for (int i = 0; i < count; i++)
        {
            string text = Prefixes[rng.Next(Prefixes.Length)];
            int tails = rng.Next(4);
            for (int t = 0; t < tails; t++) text += Tails[rng.Next(Tails.Length)];
            var prompt = _opened.Tokenizer.Encode(text);
            int maxTokens = rng.Next(1, Math.Min(60, Context - prompt.Length));
            int arrival = rng.Next(0, 12);
            int? cancel = rng.Next(5) == 0 ? arrival + rng.Next(0, 20) : null;
            plan.Add(new Planned(100 + i, arrival, prompt, new SamplingParams { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = rng.Next(2) == 0 }, cancel, rng.Next(3)));
        }
        return plan;
    }

    public void Dispose()
    {
        _solo.Dispose();
        _opened.Dispose();
    }
}
