using System.Collections.Immutable;
using InferenceServer.Engine;
using InferenceServer.Server.Metrics;
using InferenceServer.Server.Sessions;
using InferenceServer.Versions.Canary;
using InferenceServer.Versions.Config;
using InferenceServer.Versions.Shadow;

namespace InferenceServer.Server.Versions;

/// <summary>
/// One model name served from the repository: an engine per loaded version (versions come and go through the
/// admin API), the canary controller that owns its routing, what shadow copies showed, and the watcher that picks
/// up edits of its routing file.
/// </summary>
public sealed class ModelVersions : IDisposable
{
    private RoutingFileWatcher? _watcher;
    private readonly bool _routingEditPending;
    private ImmutableDictionary<string, GenerationService> _versions;

    /// <param name="routingEditPending">Whether the routing file is not in force yet because it names versions not loaded (a model added at run time).</param>
    public ModelVersions(string name, IReadOnlyDictionary<string, GenerationService> versions, CanaryController controller, string? routingPath, bool routingEditPending = false)
    {
        ArgumentNullException.ThrowIfNull(versions);
        _routingEditPending = routingEditPending;
        Name = name;
        _versions = versions.ToImmutableDictionary(StringComparer.Ordinal);
        Controller = controller;
        RoutingPath = routingPath;
    }

    public string Name { get; }

    /// <summary>Loaded versions by label: a snapshot, so one request sees one set even while a version is loaded or unloaded.</summary>
    public IReadOnlyDictionary<string, GenerationService> Versions => Volatile.Read(ref _versions);

    public CanaryController Controller { get; }

    public ShadowRecorder Shadows { get; } = new();

    /// <summary>The routing file (null when the model has none).</summary>
    public string? RoutingPath { get; }

    /// <summary>Held while a version of this model loads or unloads, so such changes happen one at a time.</summary>
    public SemaphoreSlim Changes { get; } = new(1, 1);

    /// <summary>The stable version's service (what un-routed callers such as tokenize use).</summary>
    public GenerationService Stable => Versions.TryGetValue(Controller.Current.Stable, out var s) ? s : Versions.Values.First();

    /// <summary>The engine statistics of the versions loaded now, summed (the model's vLLM gauges).</summary>
    public EngineStats EngineStats => EngineStatsSum.Of(Versions.Values.Select(g => g.Model.Engine.Stats));

    /// <summary>Makes a loaded version routable.</summary>
    public void Add(string version, GenerationService generation) =>
        ImmutableInterlocked.Update(ref _versions, v => v.Add(version, generation));

    /// <summary>Stops routing to a version (requests already routed to it keep their service).</summary>
    public void Remove(string version) => ImmutableInterlocked.Update(ref _versions, v => v.Remove(version));

    /// <summary>Starts reloading the routing file on edits; invalid edits go to <paramref name="onError"/> and change nothing.</summary>
    public void WatchRoutingFile(Action<Exception> onError)
    {
        if (RoutingPath is null) return;
        _watcher = new RoutingFileWatcher(RoutingPath, Name, () => Versions.Keys.ToList(), Controller, onError, _routingEditPending);
    }

    /// <summary>Applies a rejected edit of the routing file that fits now (see <see cref="RoutingFileWatcher.RetryPending"/>).</summary>
    public bool RetryRoutingEdit(string reason) => _watcher?.RetryPending(reason) ?? false;

    public void Dispose()
    {
        // The engines belong to the caller that loaded them (as a single --model does; see VersionLoader).
        _watcher?.Dispose();
        Changes.Dispose();
    }
}
