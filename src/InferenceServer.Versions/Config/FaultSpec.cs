namespace InferenceServer.Versions.Config;

/// <summary>Faults injected into one version, as Envoy's fault filter does: a share of requests fail, all are delayed.</summary>
public sealed record FaultSpec(double ErrorRate, TimeSpan AddedLatency)
{
    public static readonly FaultSpec None = new(0, TimeSpan.Zero);

    public bool IsNone => ErrorRate <= 0 && AddedLatency <= TimeSpan.Zero;
}
