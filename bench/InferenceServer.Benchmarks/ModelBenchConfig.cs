using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace InferenceServer.Benchmarks;

/// <summary>
/// Few, long iterations: one model step takes milliseconds and the machines are noisy, so medians over several
/// iterations say more than many short ones. `--quick` (env INFERENCE_SERVER_BENCH_QUICK=1) shortens it further.
/// </summary>
public sealed class ModelBenchConfig : ManualConfig
{
    public ModelBenchConfig()
    {
        bool quick = Environment.GetEnvironmentVariable("INFERENCE_SERVER_BENCH_QUICK") == "1";
        AddJob(Job.Default
            .WithWarmupCount(quick ? 1 : 2)
            .WithIterationCount(quick ? 3 : 7)
            .WithLaunchCount(1)
            .WithUnrollFactor(1)
            .WithInvocationCount(1)
            .WithId(quick ? "quick" : "model"));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
