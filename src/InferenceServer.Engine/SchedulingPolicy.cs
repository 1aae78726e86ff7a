namespace InferenceServer.Engine;

/// <summary>Which requests run first and which are preempted first.</summary>
public enum SchedulingPolicy
{
    /// <summary>First come, first served; the latest arrival is preempted first.</summary>
    Fcfs,

    /// <summary>By the request's priority (lower first), then arrival.</summary>
    Priority,
}
