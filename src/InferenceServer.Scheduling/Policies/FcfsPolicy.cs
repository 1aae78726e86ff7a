namespace InferenceServer.Scheduling;

/// <summary>First come, first served: earlier arrivals run first; the latest is preempted first.</summary>
public sealed class FcfsPolicy : IPreemptionPolicy
{
    public int Compare(ScheduledRequest a, ScheduledRequest b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.ArrivalOrder.CompareTo(b.ArrivalOrder);
    }
}
