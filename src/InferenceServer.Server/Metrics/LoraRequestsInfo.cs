using InferenceServer.Engine;
using Prometheus;

namespace InferenceServer.Server.Metrics;

/// <summary>
/// vLLM's <c>vllm:lora_requests_info</c> gauge, which the Gateway API Inference Extension reads to route by adapter:
/// labels <c>running_lora_adapters</c> and <c>waiting_lora_adapters</c> (comma-separated names) and <c>max_lora</c>;
/// the value is the Unix time of the reading (vLLM's set_to_current_time). Only the latest label set is exported,
/// so a scraper never sees stale adapter lists.
/// </summary>
public sealed class LoraRequestsInfo
{
    private readonly Gauge _gauge;
    private readonly string _maxLora;
    private string[]? _labels;

    /// <param name="registry">The server's registry.</param>
    /// <param name="maxLoras">Adapters that can run in one step (--max-loras).</param>
    /// <param name="stats">The engine's latest stats.</param>
    /// <param name="loading">Adapters being read from disk: their requests wait too.</param>
    public LoraRequestsInfo(CollectorRegistry registry, int maxLoras, Func<EngineStats> stats, Func<IReadOnlyCollection<string>> loading)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(loading);
        _maxLora = maxLoras.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _gauge = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge(VllmNames.Prefix + "lora_requests_info", "Running stats on lora requests.",
            ["max_lora", "waiting_lora_adapters", "running_lora_adapters"]);
        registry.AddBeforeCollectCallback(() =>
        {
            var s = stats();
            var waiting = s.WaitingPerAdapter.Keys.Union(loading(), StringComparer.Ordinal);
            Update(Names(s.RunningPerAdapter.Keys), Names(waiting));
        });
    }

    private void Update(string running, string waiting)
    {
        string[] labels = [_maxLora, waiting, running];
        lock (_gauge)
        {
            if (_labels is { } old && !old.SequenceEqual(labels)) _gauge.RemoveLabelled(old);
            _labels = labels;
            _gauge.WithLabels(labels).SetToCurrentTimeUtc();
        }
    }

    private static string Names(IEnumerable<string> names) => string.Join(',', names.Order(StringComparer.Ordinal));
}
