using InferenceServer.Versions.Config;

namespace InferenceServer.Versions.Faults;

/// <summary>Decides, per request, whether an injected fault fails it and how long it is delayed first.</summary>
public sealed class FaultInjector
{
    private readonly Random _random;

    public FaultInjector(int? seed = null) => _random = seed is int s ? new Random(s) : Random.Shared;

    /// <summary>The delay to add and whether to fail the request, for <paramref name="fault"/>.</summary>
    public (TimeSpan Delay, bool Fail) Decide(FaultSpec fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.IsNone) return (TimeSpan.Zero, false);
        bool fail;
        lock (_random) fail = fault.ErrorRate > 0 && _random.NextDouble() < fault.ErrorRate;
        return (fault.AddedLatency, fail);
    }
}
