using InferenceServer.Server.Versions;
using Prometheus;

namespace InferenceServer.Server.Metrics;

/// <summary>Canary roll-out metrics per repository model: the canary's current weight and the rollbacks so far.</summary>
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
