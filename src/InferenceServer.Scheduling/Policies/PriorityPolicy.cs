namespace InferenceServer.Scheduling;

/// <summary>Lower priority number first, ties by arrival; the least important, latest request is preempted first.</summary>
public sealed class PriorityPolicy : IPreemptionPolicy
{
    public int Compare(ScheduledRequest a, ScheduledRequest b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int byPriority = a.Priority.CompareTo(b.Priority);
        return byPriority != 0 ? byPriority : a.ArrivalOrder.CompareTo(b.ArrivalOrder);
    }
}
