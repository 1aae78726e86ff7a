namespace InferenceServer.Scheduling.Tests.Support;

/// <summary>What the test runner saw of one request over its life.</summary>
internal sealed class RequestTrack(ScheduledRequest request)
{
    public ScheduledRequest Request { get; } = request;

    /// <summary>Positions computed so far by the runner (reset on preemption).</summary>
    public int Computed { get; set; }

    /// <summary>True until the first item after (re)admission, whose start is the cached prefix.</summary>
    public bool AwaitingAdmission { get; set; } = true;

    public long Scheduled { get; set; }

    public long CachedAtAdmission { get; set; }

    /// <summary>Positions computed before a preemption threw them away.</summary>
    public long LostToPreemption { get; set; }

    public int Preemptions { get; set; }

    public bool WasChunked { get; set; }
}
