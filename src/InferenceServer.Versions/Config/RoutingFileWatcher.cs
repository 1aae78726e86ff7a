using InferenceServer.Versions.Canary;

namespace InferenceServer.Versions.Config;

/// <summary>
/// Picks up edits of a routing file without a restart: after the file settles, it is read and validated and
/// handed to the controller; an invalid edit is reported and the routing in force stays as it was.
/// </summary>
public sealed class RoutingFileWatcher : IDisposable
{
    private readonly string _path;
    private readonly string _model;
    private readonly Func<IReadOnlyCollection<string>> _knownVersions;
    private readonly CanaryController _controller;
    private readonly Action<Exception> _onError;
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _debounce;

    /// <param name="editPending">Whether the file as it stands is not in force yet (it names versions not loaded), so <see cref="RetryPending"/> may apply it.</param>
    public RoutingFileWatcher(string path, string model, Func<IReadOnlyCollection<string>> knownVersions, CanaryController controller, Action<Exception> onError, bool editPending = false)
    {
        _editPending = editPending;
        _path = Path.GetFullPath(path);
        _model = model;
        _knownVersions = knownVersions;
        _controller = controller;
        _onError = onError;
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Edits within this time are read once (editors write files in several steps).</summary>
    public static TimeSpan Settle { get; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether the latest edit was rejected, so the file on disk is not the routing in force (it may name a version not loaded yet).</summary>
    public bool EditPending => Volatile.Read(ref _editPending);
    private bool _editPending;

    /// <summary>
    /// Applies the latest edit if it was rejected and fits now (a version it names has been loaded since); false otherwise.
    /// An edit that was applied is never applied again, so routing changed since (a promotion, say) is not undone.
    /// </summary>
    public bool RetryPending(string reason)
    {
        if (!EditPending) return false;
        try
        {
            Apply(reason);
            return true;
        }
        catch (Exception e) when (e is Core.Errors.InferenceServerException or IOException)
        {
            return false;
        }
    }

    private void Schedule() => _debounce.Change(Settle, Timeout.InfiniteTimeSpan);

    private void Reload()
    {
        try
        {
            Apply($"routing file {_path} changed");
        }
        catch (Exception e) when (e is Core.Errors.InferenceServerException or IOException)
        {
            Volatile.Write(ref _editPending, true);
            _onError(e);
        }
    }

    private void Apply(string reason)
    {
        var config = RoutingConfigReader.Read(_path, _model, _knownVersions());
        _controller.Configure(config, reason);
        Volatile.Write(ref _editPending, false);
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _debounce.Dispose();
    }
}
