using InferenceServer.Benchmarking.Load;

namespace InferenceServer.Benchmarking.Progress;

/// <summary>Shows a run's <see cref="LiveCounters"/> while <c>work</c> runs.</summary>
public interface IProgressDisplay
{
    Task<T> RunAsync<T>(string title, LiveCounters counters, Func<Task<T>> work);
}
