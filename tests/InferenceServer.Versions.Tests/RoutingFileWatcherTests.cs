using InferenceServer.TestSupport;
using InferenceServer.Versions.Canary;
using InferenceServer.Versions.Config;

namespace InferenceServer.Versions.Tests;

public sealed class RoutingFileWatcherTests : IDisposable
{
    private static readonly string[] Versions = ["1", "2"];
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Edits_are_applied_without_restart_and_an_invalid_edit_keeps_the_routing_in_force()
    {
        string path = _dir.File("routing.json");
        File.WriteAllText(path, """{ "stable": "1", "canary": "2", "canary_weight": 5 }""");
        var controller = new CanaryController(RoutingConfigReader.Read(path, "tiny", Versions));
        var errors = new List<Exception>();
        var changed = new TaskCompletionSource<RoutingEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        controller.Changed += e => changed.TrySetResult(e);
        using var watcher = new RoutingFileWatcher(path, "tiny", () => Versions, controller, e => { lock (errors) errors.Add(e); });

        File.WriteAllText(path, """{ "stable": "1", "canary": "2", "canary_weight": 40 }""");
        var e = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((RoutingEventKind.Configure, 5.0, 40.0), (e.Kind, e.FromWeight, e.ToWeight));
        Assert.Equal(40, controller.Current.CanaryWeight);

        File.WriteAllText(path, """{ "stable": "9" }""");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (errors) if (errors.Count > 0) break;
            await Task.Delay(20);
        }
        lock (errors) Assert.Contains("version '9'", Assert.Single(errors).Message, StringComparison.Ordinal);
        Assert.Equal(40, controller.Current.CanaryWeight);
        Assert.Single(controller.History);
    }

    [Fact]
    public async Task A_rejected_edit_applies_once_the_version_it_names_is_known_and_only_once()
    {
        string path = _dir.File("routing.json");
        File.WriteAllText(path, """{ "stable": "1" }""");
        var known = new List<string> { "1" };
        var controller = new CanaryController(RoutingConfigReader.Read(path, "tiny", known));
        var rejected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new RoutingFileWatcher(path, "tiny", () => [.. known], controller, _ => rejected.TrySetResult());
        Assert.False(watcher.RetryPending("nothing pending"));

        File.WriteAllText(path, """{ "stable": "1", "canary": "2", "canary_weight": 30 }""");
        await rejected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(watcher.EditPending);
        Assert.False(watcher.RetryPending("version 2 still unknown"));
        Assert.Null(controller.Current.Canary);

        known.Add("2");
        Assert.True(watcher.RetryPending("version 2 loaded"));
        Assert.Equal(("2", 30.0), (controller.Current.Canary, controller.Current.CanaryWeight));
        Assert.Equal("version 2 loaded", controller.History[^1].Reason);
        // Applied once: later routing changes are not undone by another retry.
        controller.Rollback("drill");
        Assert.False(watcher.RetryPending("again"));
        Assert.Equal(0, controller.Current.CanaryWeight);
    }

    public void Dispose() => _dir.Dispose();
}
