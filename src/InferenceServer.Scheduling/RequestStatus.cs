namespace InferenceServer.Scheduling;

/// <summary>Where a request is in its life in the scheduler.</summary>
public enum RequestStatus
{
    /// <summary>Queued, holding no blocks.</summary>
    Waiting,

    /// <summary>Holding blocks and scheduled each step while the budget lasts.</summary>
    Running,

    /// <summary>Its blocks were taken back; it waits to be recomputed (its prefix may still be cached).</summary>
    Preempted,

    /// <summary>Done (max tokens, <see cref="Scheduler.Finish"/> or <see cref="Scheduler.Cancel"/>); holds no blocks.</summary>
    Finished,
}
