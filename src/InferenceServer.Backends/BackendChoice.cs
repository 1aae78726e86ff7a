
namespace InferenceServer.Backends;

/// <summary>The backend an engine computes on, and a line for the log saying which and why.</summary>
public sealed record BackendChoice(IComputeBackend Backend, string Description);
