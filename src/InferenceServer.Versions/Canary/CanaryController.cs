using InferenceServer.Versions.Config;
using InferenceServer.Versions.Health;

namespace InferenceServer.Versions.Canary;

/// <summary>
/// Drives one model's canary roll-out: collects per-version outcomes over evaluation windows, rolls the canary
/// back to 0 % the moment it breaches a threshold (error rate or p95 latency against the stable version, over
/// at least the minimum number of requests), and advances it one step after a full healthy window; reaching
/// 100 % promotes it to stable. Every change is kept in <see cref="History"/> and raised through <see cref="Changed"/>.
/// Thread-safe.
/// </summary>
public sealed class CanaryController
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, VersionWindow> _windows = new(StringComparer.Ordinal);
    private readonly List<RoutingEvent> _history = [];
    private readonly object _gate = new();
    private RoutingConfig _config;
    private DateTimeOffset _windowStart;

    public CanaryController(RoutingConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _time = time ?? TimeProvider.System;
        _windowStart = _time.GetUtcNow();
    }

    /// <summary>The routing in force now (replaced as a whole on every change).</summary>
    public RoutingConfig Current => Volatile.Read(ref _config);

    /// <summary>Rollbacks so far.</summary>
    public long Rollbacks { get; private set; }

    /// <summary>Every change so far, oldest first.</summary>
    public IReadOnlyList<RoutingEvent> History
    {
        get
        {
            lock (_gate) return [.. _history];
        }
    }

    /// <summary>Raised after each change (outside the lock).</summary>
    public event Action<RoutingEvent>? Changed;

    /// <summary>The current window's summary of a version.</summary>
    public WindowSummary Window(string version)
    {
        lock (_gate) return _windows.TryGetValue(version, out var w) ? w.Summarize() : WindowSummary.Empty;
    }

    /// <summary>Records a request's outcome for <paramref name="version"/> and re-evaluates the canary.</summary>
    public void Record(string version, RequestOutcome outcome)
    {
        lock (_gate)
        {
            if (!_windows.TryGetValue(version, out var window)) _windows[version] = window = new VersionWindow();
            window.Record(outcome);
        }
        Evaluate();
    }

    /// <summary>Judges the canary now: rollback on a breach, advance after a healthy full window. Call it periodically too.</summary>
    public void Evaluate()
    {
        RoutingEvent? change = null;
        lock (_gate)
        {
            var config = _config;
            if (config.Canary == null || config.CanaryWeight <= 0) return;
            var canary = Summary(config.Canary);
            var stable = Summary(config.Stable);
            var now = _time.GetUtcNow();
            if (canary.Requests >= config.MinRequests && Breach(config, canary, stable) is { } reason)
            {
                change = Apply(config with { CanaryWeight = 0 }, RoutingEventKind.Rollback, reason, now);
                Rollbacks++;
            }
            else if (now - _windowStart >= config.EvaluationWindow && canary.Requests >= config.MinRequests)
            {
                double next = config.Steps.FirstOrDefault(s => s > config.CanaryWeight, 100);
                string why = $"healthy for {config.EvaluationWindow.TotalSeconds:0.#} s over {canary.Requests} requests (error rate {canary.ErrorRate:P1} vs {stable.ErrorRate:P1}, p95 {canary.P95Latency * 1000:F0} ms vs {stable.P95Latency * 1000:F0} ms)";
                change = next >= 100
                    ? Apply(config with { Stable = config.Canary, Canary = null, CanaryWeight = 0 }, RoutingEventKind.Promote, why, now)
                    : Apply(config with { CanaryWeight = next }, RoutingEventKind.Advance, why, now);
            }
        }
        if (change != null) Changed?.Invoke(change);
    }

    /// <summary>Replaces the configuration (routing file reloaded, or the admin API), starting a new window.</summary>
    public void Configure(RoutingConfig config, string reason)
    {
        ArgumentNullException.ThrowIfNull(config);
        RoutingEvent change;
        lock (_gate) change = Apply(config, RoutingEventKind.Configure, reason, _time.GetUtcNow());
        Changed?.Invoke(change);
    }

    /// <summary>Sends the canary to 0 % now (operator rollback).</summary>
    public void Rollback(string reason)
    {
        RoutingEvent change;
        lock (_gate)
        {
            change = Apply(_config with { CanaryWeight = 0 }, RoutingEventKind.Rollback, reason, _time.GetUtcNow());
            Rollbacks++;
        }
        Changed?.Invoke(change);
    }

    /// <summary>Makes the canary the stable version now (operator promotion).</summary>
    public void Promote(string reason)
    {
        RoutingEvent change;
        lock (_gate)
        {
            if (_config.Canary == null) throw new InvalidOperationException($"model '{_config.Model}' has no canary to promote");
            change = Apply(_config with { Stable = _config.Canary, Canary = null, CanaryWeight = 0 }, RoutingEventKind.Promote, reason, _time.GetUtcNow());
        }
        Changed?.Invoke(change);
    }

    private static string? Breach(RoutingConfig config, WindowSummary canary, WindowSummary stable)
    {
        if (canary.Errors > 0 && canary.ErrorRate > config.ErrorRateRatio * stable.ErrorRate)
            return $"error rate {canary.ErrorRate:P1} over {canary.Requests} requests > {config.ErrorRateRatio}x stable {stable.ErrorRate:P1}";
        if (stable.Requests > stable.Errors && canary.Requests > canary.Errors && canary.P95Latency > config.P95LatencyRatio * stable.P95Latency)
            return $"p95 latency {canary.P95Latency * 1000:F0} ms > {config.P95LatencyRatio}x stable {stable.P95Latency * 1000:F0} ms";
        return null;
    }

    private WindowSummary Summary(string version) => _windows.TryGetValue(version, out var w) ? w.Summarize() : WindowSummary.Empty;

    private RoutingEvent Apply(RoutingConfig next, RoutingEventKind kind, string reason, DateTimeOffset now)
    {
        var before = _config;
        Volatile.Write(ref _config, next);
        foreach (var w in _windows.Values) w.Clear();
        _windowStart = now;
        var e = new RoutingEvent(now, kind, next.Stable, next.Canary ?? before.Canary, before.CanaryWeight, next.CanaryWeight, reason);
        _history.Add(e);
        return e;
    }
}
