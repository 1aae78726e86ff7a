using InferenceServer.Server.Lora;
using InferenceServer.Server.Sessions;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Where one request runs, as <see cref="ModelCatalog.Route"/> decided it without touching the request: the
/// generation service and model or adapter, the version and its model (null with a single model), the shadow
/// copy to run beside it, and the injected faults it gets. <see cref="HttpRouting"/> carries it out.
/// </summary>
public sealed record RouteChoice(GenerationService Generation, ModelSelection Selected, ModelVersions? Model, string? Version)
{
    /// <summary>The version a discarded shadow copy runs on, if this request was sampled for one.</summary>
    public string? ShadowVersion { get; init; }

    /// <summary>The generation service of <see cref="ShadowVersion"/> (null when none).</summary>
    public GenerationService? ShadowGeneration { get; init; }

    /// <summary>Injected delay before the request runs (fault drills).</summary>
    public TimeSpan FaultDelay { get; init; }

    /// <summary>Whether an injected fault fails the request (fault drills).</summary>
    public bool FaultFails { get; init; }
}
