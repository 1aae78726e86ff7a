using System.IO.Hashing;
using System.Text;
using InferenceServer.Versions.Config;

namespace InferenceServer.Versions.Routing;

/// <summary>
/// Picks a version per request: an explicit pin wins; otherwise the canary takes its weight of the traffic. With
/// a sticky key (the <c>user</c> or a configured header) the choice is a hash of the key, so a client stays on
/// its version while the weight does not change, and one on the canary stays there as the weight grows.
/// </summary>
public sealed class VersionRouter
{
    private readonly Random _random;

    public VersionRouter(int? seed = null) => _random = seed is int s ? new Random(s) : Random.Shared;

    /// <summary>Routes one request under <paramref name="config"/>; <paramref name="loaded"/> are the versions that can serve.</summary>
    public RouteDecision Route(RoutingConfig config, IReadOnlyCollection<string> loaded, string? pinnedVersion, string? stickyKey)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loaded);
        string? shadow = config.ShadowVersion != null && config.ShadowSampleRate > 0 && NextDouble() < config.ShadowSampleRate
            ? config.ShadowVersion : null;
        if (pinnedVersion != null)
        {
            if (!loaded.Contains(pinnedVersion)) throw new KeyNotFoundException($"model '{config.Model}' has no version '{pinnedVersion}'");
            return new RouteDecision(pinnedVersion, RouteReason.Pinned, null);
        }
        if (config.Canary != null && config.CanaryWeight > 0)
        {
            double point = stickyKey != null ? StickyPoint(config.Model, stickyKey) : NextDouble();
            if (point * 100 < config.CanaryWeight) return new RouteDecision(config.Canary, RouteReason.Canary, shadow);
        }
        return new RouteDecision(config.Stable, RouteReason.Stable, shadow);
    }

    /// <summary>A point in [0, 1) fixed for (model, key).</summary>
    public static double StickyPoint(string model, string key)
    {
        ulong h = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(model + "\n" + key));
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    private double NextDouble()
    {
        lock (_random) return _random.NextDouble();
    }
}
