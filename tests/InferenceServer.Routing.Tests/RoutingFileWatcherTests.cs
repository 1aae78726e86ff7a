using InferenceServer.Routing.Canary;
using InferenceServer.Routing.Config;
using InferenceServer.TestSupport;

namespace InferenceServer.Routing.Tests;

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

    public void Dispose() => _dir.Dispose();
}
