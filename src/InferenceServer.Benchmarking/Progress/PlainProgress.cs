using System.Diagnostics;
using InferenceServer.Benchmarking.Load;

namespace InferenceServer.Benchmarking.Progress;

/// <summary>Progress for redirected output (logs, CI): a plain line every few seconds and one at the end.</summary>
public sealed class PlainProgress(TextWriter output, TimeSpan interval) : IProgressDisplay
{
    public async Task<T> RunAsync<T>(string title, LiveCounters counters, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(work);
        var clock = Stopwatch.StartNew();
        output.WriteLine($"{title}: started");
        var task = work();
        while (await Task.WhenAny(task, Task.Delay(interval)).ConfigureAwait(false) != task)
            output.WriteLine($"{title}: {ProgressLine.Format(counters, clock.Elapsed)}");
        output.WriteLine($"{title}: {ProgressLine.Format(counters, clock.Elapsed)}");
        return await task.ConfigureAwait(false);
    }
}
