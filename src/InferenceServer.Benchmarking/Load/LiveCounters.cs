namespace InferenceServer.Benchmarking.Load;

/// <summary>Counters the load runner updates as requests finish, read by the progress display while the run goes on.</summary>
public sealed class LiveCounters
{
    private int _completed, _failed, _inFlight;
    private long _outputTokens;

    public int Completed => Volatile.Read(ref _completed);

    public int Failed => Volatile.Read(ref _failed);

    public int InFlight => Volatile.Read(ref _inFlight);

    public long OutputTokens => Interlocked.Read(ref _outputTokens);

    /// <summary>Requests the run will send; null when it runs for a duration.</summary>
    public int? Total { get; set; }

    internal void Started() => Interlocked.Increment(ref _inFlight);

    internal void Finished(bool success, int outputTokens)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref success ? ref _completed : ref _failed);
        Interlocked.Add(ref _outputTokens, outputTokens);
    }
}
