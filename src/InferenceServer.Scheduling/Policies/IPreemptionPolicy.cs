namespace InferenceServer.Scheduling;

/// <summary>
/// The scheduling order: more important requests sort first, run first and are admitted first; the last
/// running request in this order is the one preempted when blocks run out.
/// </summary>
public interface IPreemptionPolicy
{
    /// <summary>Negative when <paramref name="a"/> is more important than <paramref name="b"/>; never 0 for two requests.</summary>
    int Compare(ScheduledRequest a, ScheduledRequest b);
}
