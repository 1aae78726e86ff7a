using InferenceServer.Engine;
using Prometheus;

namespace InferenceServer.Server.Metrics;

/// <summary>
/// Running and waiting requests per LoRA adapter (<c>inference_server_lora_requests_running</c> / <c>_waiting</c>,
/// labels model_name and lora_name). vLLM has no per-adapter counts, so these carry this server's own prefix.
/// Adapters without requests drop out of the export rather than lingering at 0 after they were unloaded.
/// </summary>
public sealed class LoraRequestCounts
{
    private readonly Gauge _running, _waiting;
    private readonly string _model;

    public LoraRequestCounts(CollectorRegistry registry, string modelName, Func<EngineStats> stats)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(stats);
        _model = modelName;
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        string[] labels = ["model_name", "lora_name"];
        _running = f.CreateGauge("inference_server_lora_requests_running", "Requests in model execution batches, per LoRA adapter.", labels);
        _waiting = f.CreateGauge("inference_server_lora_requests_waiting", "Requests waiting to be processed, per LoRA adapter.", labels);
        registry.AddBeforeCollectCallback(() =>
        {
            var s = stats();
            Update(_running, s.RunningPerAdapter);
            Update(_waiting, s.WaitingPerAdapter);
        });
    }

    private void Update(Gauge gauge, IReadOnlyDictionary<string, int> counts)
    {
        lock (gauge)
        {
            foreach (var labels in gauge.GetAllLabelValues().ToList())
                if (!counts.ContainsKey(labels[1])) gauge.RemoveLabelled(labels);
            foreach (var (adapter, count) in counts) gauge.WithLabels(_model, adapter).Set(count);
        }
    }
}
