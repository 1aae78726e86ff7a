using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace InferenceServer.Benchmarks;

/// <summary>
/// One encode or decode of a long text takes milliseconds: a few warmups and ten iterations give a stable median
/// without the default job's minutes per case. `--quick` (env INFERENCE_SERVER_BENCH_QUICK=1) shortens it further.
/// </summary>
public sealed class TokenizerBenchConfig : ManualConfig
{
    public TokenizerBenchConfig()
    {
        bool quick = Environment.GetEnvironmentVariable("INFERENCE_SERVER_BENCH_QUICK") == "1";
        AddJob(Job.Default
            .WithWarmupCount(quick ? 1 : 3)
            .WithIterationCount(quick ? 3 : 10)
            .WithLaunchCount(1)
            .WithId(quick ? "quick" : "tokenizer"));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
    }
}
