using InferenceServer.Benchmarking.Datasets;
using InferenceServer.Benchmarking.Load;
using InferenceServer.Benchmarking.Metrics;
using InferenceServer.Benchmarking.Plots;
using InferenceServer.Benchmarking.Progress;
using InferenceServer.Benchmarking.Reporting;
using InferenceServer.Benchmarking.Results;
using InferenceServer.Benchmarking.Sweeps;
using Spectre.Console;

namespace InferenceServer.Benchmarking.Sessions;

/// <summary>
/// One `bench serve` invocation: warm-up, then one run per sweep point (or one run), each with its progress display
/// and table, then the result JSON and the plots.
/// </summary>
public sealed class BenchmarkSession(LoadRunner runner, IAnsiConsole console, IProgressDisplay progress)
{
    public async Task<BenchmarkReport> RunAsync(BenchmarkConfig config, IReadOnlyList<BenchPrompt> prompts, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(config);
        var slos = GoodputSlos.Parse([config.Goodput]);
        var sweep = config.Sweep is null ? null : SweepSpec.Parse(config.Sweep);
        if (config.Warmup > 0)
        {
            console.WriteLine($"warm-up: {config.Warmup} request(s), not measured");
            await runner.WarmUpAsync(prompts, config.Warmup, cancellation).ConfigureAwait(false);
        }
        var runs = new List<RunResult>();
        foreach (var (label, plan) in Points(config.Load, sweep))
        {
            var counters = new LiveCounters { Total = plan.DurationSeconds is null ? plan.NumPrompts : null };
            string title = label is null ? "bench" : $"{sweep!.Parameter} {label}";
            var outcome = await progress.RunAsync(title, counters, () => runner.RunAsync(prompts, plan, counters, cancellation)).ConfigureAwait(false);
            var run = new RunResult
            {
                SweepValue = label,
                Load = plan,
                Metrics = RunMetricsCalculator.Compute(outcome, config.Percentiles, slos),
                Requests = [.. outcome.Requests.Select(RequestRecord.From)],
            };
            ResultConsole.WriteRun(console, run, config.Percentiles);
            runs.Add(run);
        }
        var report = new BenchmarkReport { Date = DateTimeOffset.UtcNow, Config = config, Runs = runs };
        if (sweep is not null) ResultConsole.WriteSweep(console, report, sweep.Parameter);
        return report;
    }

    /// <summary>Writes the JSON and the plots asked for and names the files.</summary>
    public void Save(BenchmarkReport report, string? resultJson, string? plotDir)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (resultJson is not null)
        {
            ResultJson.Write(report, resultJson);
            console.WriteLine($"results: {resultJson}");
        }
        if (plotDir is null) return;
        var files = CdfPlots.Write(report, plotDir).ToList();
        if (report.Runs.Count > 1) files.AddRange(SweepPlots.Write(report, plotDir));
        console.WriteLine($"plots: {string.Join(", ", files)}");
    }

    private static IEnumerable<(string? Label, LoadPlan Plan)> Points(LoadPlan plan, SweepSpec? sweep)
    {
        if (sweep is null)
        {
            yield return (null, plan);
            yield break;
        }
        foreach (double value in sweep.Values)
            yield return (SweepSpec.Format(value), sweep.Parameter == SweepSpec.MaxConcurrency
                ? plan with { MaxConcurrency = (int)value }
                : plan with { RequestRate = value });
    }
}
