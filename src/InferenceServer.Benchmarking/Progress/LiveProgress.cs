using System.Diagnostics;
using InferenceServer.Benchmarking.Load;
using Spectre.Console;

namespace InferenceServer.Benchmarking.Progress;

/// <summary>A live Spectre.Console progress bar for a terminal, redrawn a few times a second.</summary>
public sealed class LiveProgress(IAnsiConsole console) : IProgressDisplay
{
    public async Task<T> RunAsync<T>(string title, LiveCounters counters, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(work);
        var clock = Stopwatch.StartNew();
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask(Markup.Escape(title), maxValue: counters.Total ?? 1);
                var task = work();
                while (await Task.WhenAny(task, Task.Delay(250)).ConfigureAwait(false) != task)
                    Update(bar, counters, clock.Elapsed);
                Update(bar, counters, clock.Elapsed);
                bar.StopTask();
                return await task.ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    private static void Update(ProgressTask bar, LiveCounters counters, TimeSpan elapsed)
    {
        bar.Description = Markup.Escape(ProgressLine.Format(counters, elapsed));
        // A run for a duration has no known total: its bar is indeterminate.
        if (counters.Total is { } total)
        {
            bar.MaxValue = total;
            bar.Value = counters.Completed + counters.Failed;
        }
        else bar.IsIndeterminate = true;
    }
}
