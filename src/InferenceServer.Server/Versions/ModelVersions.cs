using InferenceServer.Routing.Canary;
using InferenceServer.Routing.Config;
using InferenceServer.Routing.Shadow;
using InferenceServer.Server.Generation;

namespace InferenceServer.Server.Versions;

/// <summary>
/// One model name served from the repository: an engine per loaded version, the canary controller that owns its
/// routing, what shadow copies showed, and the watcher that picks up edits of its routing file.
/// </summary>
public sealed class ModelVersions : IDisposable
{
    private RoutingFileWatcher? _watcher;

    public ModelVersions(string name, IReadOnlyDictionary<string, GenerationService> versions, CanaryController controller, string? routingPath)
    {
        Name = name;
        Versions = versions;
        Controller = controller;
        RoutingPath = routingPath;
    }

    public string Name { get; }

    /// <summary>Loaded versions by label.</summary>
    public IReadOnlyDictionary<string, GenerationService> Versions { get; }

    public CanaryController Controller { get; }

    public ShadowRecorder Shadows { get; } = new();

    /// <summary>The routing file (null when the model has none).</summary>
    public string? RoutingPath { get; }

    /// <summary>The stable version's service (what un-routed callers such as tokenize use).</summary>
    public GenerationService Stable => Versions.TryGetValue(Controller.Current.Stable, out var s) ? s : Versions.Values.First();

    /// <summary>Starts reloading the routing file on edits; invalid edits go to <paramref name="onError"/> and change nothing.</summary>
    public void WatchRoutingFile(Action<Exception> onError)
    {
        if (RoutingPath is null) return;
        _watcher = new RoutingFileWatcher(RoutingPath, Name, () => Versions.Keys.ToList(), Controller, onError);
    }

    public void Dispose()
    {
        // The engines belong to the caller that loaded them (as a single --model does).
        _watcher?.Dispose();
    }
}
