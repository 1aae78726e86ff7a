namespace InferenceServer.Versions.Canary;

/// <summary>One change of a model's routing: when, what kind, the canary weight before and after, and why.</summary>
public sealed record RoutingEvent(DateTimeOffset At, RoutingEventKind Kind, string Stable, string? Canary, double FromWeight, double ToWeight, string Reason);

/// <summary>Kinds of routing changes.</summary>
public enum RoutingEventKind
{
    /// <summary>A healthy canary moved to the next roll-out step.</summary>
    Advance,

    /// <summary>The canary reached 100 % and became the stable version.</summary>
    Promote,

    /// <summary>A threshold was breached (or an operator asked): the canary's weight went to 0.</summary>
    Rollback,

    /// <summary>An operator set the weight or replaced the configuration (admin API or routing file).</summary>
    Configure,
}
