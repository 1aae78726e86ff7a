using InferenceServer.Server.Lora;
using InferenceServer.Server.Sessions;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Where one API request runs: the version's generation service, the base model or adapter it names, the version
/// label (null with a single model) and a shadow copy to start beside it, if sampled.
/// </summary>
public sealed record RoutedRequest(GenerationService Generation, ModelSelection Selected, string? Version, ShadowCopy? Shadow = null)
{
    /// <summary>The request's session once started, read when the request completes for its time to first token.</summary>
    public GenerationSession? Session { get; set; }
}
