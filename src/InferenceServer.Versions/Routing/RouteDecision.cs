namespace InferenceServer.Versions.Routing;

/// <summary>Where one request goes: the version that answers it, why, and a shadow version that gets a discarded copy.</summary>
public readonly record struct RouteDecision(string Version, RouteReason Reason, string? ShadowVersion);

/// <summary>Why a request went to its version.</summary>
public enum RouteReason
{
    /// <summary>The stable version by weight.</summary>
    Stable,

    /// <summary>The canary version by weight.</summary>
    Canary,

    /// <summary>The request named its version (<c>model@version</c>).</summary>
    Pinned,
}
