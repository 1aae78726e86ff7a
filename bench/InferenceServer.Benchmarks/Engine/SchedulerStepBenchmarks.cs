using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using InferenceServer.KvCache;
using InferenceServer.KvCache.Hashing;
using InferenceServer.Scheduling;

namespace InferenceServer.Benchmarks.Engine;

/// <summary>
/// CPU time the scheduler and block manager add to each engine step with 256 running sequences decoding: Step
/// (budget, slot appends, batch record) plus UpdateAfterStep (token append, full-block hashing and commit).
/// No model runs: this is the overhead every step pays on top of the forward pass.
/// </summary>
[Config(typeof(Config))]
public class SchedulerStepBenchmarks
{
    private const int Steps = 256;
    private KvCacheManager _kv = null!;
    private Scheduler _scheduler = null!;
    private int[] _sampled = [];

    [Params(256)]
    public int Sequences { get; set; }

    [IterationSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _kv = new KvCacheManager(numBlocks: Sequences * (128 + Steps + 32) / 16 + 64, blockSize: 16);
        _scheduler = new Scheduler(_kv, new SchedulerOptions { MaxNumSeqs = Sequences, MaxNumBatchedTokens = 8192, MaxModelLen = 128 + Steps + 16 });
        _sampled = Enumerable.Range(0, Sequences).Select(_ => rng.Next(3, 32000)).ToArray();
        for (int i = 0; i < Sequences; i++)
        {
            var prompt = Enumerable.Range(0, 128).Select(_ => rng.Next(3, 32000)).ToArray();
            _scheduler.Add(new ScheduledRequest(i, prompt, Steps + 16, new CacheNamespace("bench")));
        }
        // Prefill everyone, so the measured steps are pure decode with all sequences running.
        while (_scheduler.Running.Count < Sequences || _scheduler.Running.Any(r => r.NumGeneratedTokens == 0))
        {
            _scheduler.Step();
            _scheduler.UpdateAfterStep(_sampled);
        }
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "scheduler + block manager, one decode step")]
    public int DecodeStep()
    {
        int tokens = 0;
        for (int i = 0; i < Steps; i++)
        {
            tokens += _scheduler.Step().TotalNumTokens;
            _scheduler.UpdateAfterStep(_sampled);
        }
        return tokens;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(15).WithInvocationCount(1).WithUnrollFactor(1).WithId("step"));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
