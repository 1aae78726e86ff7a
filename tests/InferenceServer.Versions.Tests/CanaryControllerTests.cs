using InferenceServer.Versions.Canary;
using InferenceServer.Versions.Config;
using InferenceServer.Versions.Faults;
using InferenceServer.Versions.Health;
using InferenceServer.Versions.Routing;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.Versions.Tests;

public sealed class CanaryControllerTests
{
    private static readonly string[] Loaded = ["1", "2"];
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private static RoutingConfig Config(FaultSpec? canaryFault = null) => new()
    {
        Model = "tiny",
        Stable = "1",
        Canary = "2",
        CanaryWeight = 5,
        EvaluationWindow = Window,
        MinRequests = 10,
        Faults = canaryFault is null ? new Dictionary<string, FaultSpec>() : new Dictionary<string, FaultSpec> { ["2"] = canaryFault },
    };

    /// <summary>Sends requests through router, fault injector and a fake version that answers in 100 ms, over <paramref name="duration"/>.</summary>
    private static (int StableErrors, int StableRequests) Drive(CanaryController controller, FakeTimeProvider time, TimeSpan duration, int requestsPerSecond = 20)
    {
        var router = new VersionRouter(seed: 7);
        var faults = new FaultInjector(seed: 8);
        int stableErrors = 0, stableRequests = 0, user = 0;
        var end = time.GetUtcNow() + duration;
        while (time.GetUtcNow() < end)
        {
            for (int i = 0; i < requestsPerSecond; i++)
            {
                var config = controller.Current;
                var decision = router.Route(config, Loaded, null, $"user-{user++}");
                var fault = config.Faults.GetValueOrDefault(decision.Version, FaultSpec.None);
                var (delay, fail) = faults.Decide(fault);
                var outcome = new RequestOutcome(fail, TimeSpan.FromMilliseconds(100) + delay);
                if (decision.Version == config.Stable)
                {
                    stableRequests++;
                    if (fail) stableErrors++;
                }
                controller.Record(decision.Version, outcome);
            }
            time.Advance(TimeSpan.FromSeconds(1));
            controller.Evaluate();
        }
        return (stableErrors, stableRequests);
    }

    [Fact]
    public void A_healthy_canary_is_promoted_step_by_step_to_stable()
    {
        var time = new FakeTimeProvider();
        var controller = new CanaryController(Config(), time);
        var seen = new List<RoutingEvent>();
        controller.Changed += seen.Add;
        Drive(controller, time, TimeSpan.FromMinutes(6));
        var kinds = controller.History.Select(e => (e.Kind, e.ToWeight)).ToList();
        Assert.Equal([(RoutingEventKind.Advance, 25.0), (RoutingEventKind.Advance, 50.0), (RoutingEventKind.Promote, 0.0)], kinds);
        Assert.Equal(("2", (string?)null), (controller.Current.Stable, controller.Current.Canary));
        Assert.Equal(controller.History, seen);
        Assert.Equal(0, controller.Rollbacks);
        // Each step waited a full window.
        for (int i = 1; i < controller.History.Count; i++) Assert.True(controller.History[i].At - controller.History[i - 1].At >= Window);
    }

    [Fact]
    public void A_fault_injected_canary_is_rolled_back_within_one_window_while_stable_sees_no_errors()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var controller = new CanaryController(Config(new FaultSpec(0.5, TimeSpan.Zero)) with { CanaryWeight = 25 }, time);
        var (stableErrors, stableRequests) = Drive(controller, time, Window);
        var rollback = Assert.Single(controller.History);
        Assert.Equal(RoutingEventKind.Rollback, rollback.Kind);
        Assert.Equal((25.0, 0.0), (rollback.FromWeight, rollback.ToWeight));
        Assert.Contains("error rate", rollback.Reason, StringComparison.Ordinal);
        Assert.True(rollback.At - start <= Window, $"rolled back after {rollback.At - start}");
        Assert.Equal(1, controller.Rollbacks);
        Assert.Equal(0, stableErrors);
        Assert.True(stableRequests > 0);
        Assert.Equal(0, controller.Current.CanaryWeight);
    }

    [Fact]
    public void Added_latency_on_the_canary_breaches_the_p95_threshold()
    {
        var time = new FakeTimeProvider();
        var controller = new CanaryController(Config(new FaultSpec(0, TimeSpan.FromMilliseconds(80))) with { CanaryWeight = 50 }, time);
        Drive(controller, time, Window);
        var e = Assert.Single(controller.History);
        Assert.Equal(RoutingEventKind.Rollback, e.Kind);
        Assert.Contains("p95 latency", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_little_canary_traffic_neither_advances_nor_rolls_back()
    {
        var time = new FakeTimeProvider();
        var controller = new CanaryController(Config(new FaultSpec(1.0, TimeSpan.Zero)) with { MinRequests = 1000 }, time);
        Drive(controller, time, TimeSpan.FromMinutes(3), requestsPerSecond: 2);
        Assert.Empty(controller.History);
        Assert.Equal(5, controller.Current.CanaryWeight);
    }

    [Fact]
    public void Operators_can_roll_back_promote_and_reconfigure_and_each_change_is_recorded()
    {
        var time = new FakeTimeProvider();
        var controller = new CanaryController(Config(), time);
        controller.Configure(controller.Current with { CanaryWeight = 40 }, "admin: set weight");
        controller.Rollback("admin: drill");
        controller.Promote("admin: ship it");
        Assert.Equal([RoutingEventKind.Configure, RoutingEventKind.Rollback, RoutingEventKind.Promote], controller.History.Select(e => e.Kind));
        Assert.Equal("admin: drill", controller.History[1].Reason);
        Assert.Equal("2", controller.Current.Stable);
        Assert.Throws<InvalidOperationException>(() => controller.Promote("again"));
    }
}
