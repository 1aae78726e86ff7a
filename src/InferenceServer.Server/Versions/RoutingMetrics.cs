using Prometheus;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Canary roll-out metrics per repository model: the canary's current weight, the rollbacks so far, and requests
/// and their latencies by version (the vLLM-named request metrics keep vLLM's labels, so dashboards built for them still match).
/// </summary>
public sealed class RoutingMetrics
{
    public RoutingMetrics(CollectorRegistry registry, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(catalog);
        if (catalog.Models.Count == 0) return;
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        var weight = f.CreateGauge("inference_server_canary_weight_percent", "Percent of a model's traffic its canary version takes now.", ["model_name", "stable", "canary"]);
        var rollbacks = f.CreateCounter("inference_server_canary_rollbacks_total", "Canary rollbacks (automatic and by operators).", ["model_name"]);
        foreach (var m in catalog.Models.Values) rollbacks.WithLabels(m.Name);
        var requests = f.CreateCounter("inference_server_version_requests_total", "Routed requests by model, version and outcome (ok or error).", ["model_name", "version", "outcome"]);
        var latency = f.CreateHistogram("inference_server_version_e2e_request_latency_seconds", "End-to-end latency of routed requests by version.", ["model_name", "version"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 16) });
        var ttft = f.CreateHistogram("inference_server_version_time_to_first_token_seconds", "Time to first token of routed requests by version.", ["model_name", "version"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        catalog.Completed += (model, version, outcome) =>
        {
            requests.WithLabels(model, version, outcome.Failed ? "error" : "ok").Inc();
            if (outcome.Failed) return;
            latency.WithLabels(model, version).Observe(outcome.Latency.TotalSeconds);
            if (outcome.TimeToFirstToken is { } first) ttft.WithLabels(model, version).Observe(first.TotalSeconds);
        };
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var m in catalog.Models.Values)
            {
                var c = m.Controller.Current;
                // One series per model: the stable/canary labels move with promotions, so old pairs are dropped.
                foreach (var labels in weight.GetAllLabelValues().Where(l => l[0] == m.Name).ToList()) weight.RemoveLabelled(labels);
                weight.WithLabels(m.Name, c.Stable, c.Canary ?? "").Set(c.CanaryWeight);
                rollbacks.WithLabels(m.Name).IncTo(m.Controller.Rollbacks);
            }
        });
    }
}
