namespace InferenceServer.Scheduling;

/// <summary>
/// A resource besides KV blocks that a request needs while it runs (e.g. a LoRA adapter slot). A waiting
/// request the gate refuses is skipped, not waited on, so it never blocks requests behind it.
/// </summary>
public interface IAdmissionGate
{
    /// <summary>Reserves what the request needs to run now; false when it cannot have it yet.</summary>
    bool TryAdmit(ScheduledRequest request);

    /// <summary>Gives back what <see cref="TryAdmit"/> reserved (the request finished, was cancelled or preempted).</summary>
    void Release(ScheduledRequest request);
}
