using System.Collections.Concurrent;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Metrics;
using InferenceServer.Server.Serving;
using InferenceServer.Server.Sessions;
using InferenceServer.Versions.Canary;

namespace InferenceServer.Server.Versions;

/// <summary>The catalog of a loaded models folder: a generation service per loaded version, a canary controller per model, and a loader for versions added later.</summary>
public static class RepositoryCatalog
{
    /// <param name="metrics">The server's metrics, labelled with the first model's name; the other models get their own series.</param>
    public static ModelCatalog Create(ServerOptions options, LoadedRepository repository, AdmissionController admission, ServerMetrics metrics, ServerState state)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(metrics);
        ModelCatalog? catalog = null;
        var metricsOf = new ConcurrentDictionary<string, ServerMetrics>(StringComparer.Ordinal);
        metricsOf[repository[0].Repository.Name] = metrics;
        // Each model's vLLM metrics carry its own name and sum the engines of its versions loaded when scraped;
        // models added at run time get theirs on their first load.
        ServerMetrics MetricsOf(string model) => metricsOf.GetOrAdd(model, name => metrics.ForModel(name,
            () => catalog!.Models.TryGetValue(name, out var m) ? m.EngineStats : EngineStatsSum.Of([])));
        GenerationService Serve(string model, ServedModel served) => new(served, admission, MetricsOf(model), state, options.RetryAfterSeconds);
        var models = repository.Select(m => new ModelVersions(
            m.Repository.Name,
            m.Versions.ToDictionary(v => v.Key, v => Serve(m.Repository.Name, v.Value), StringComparer.Ordinal),
            new CanaryController(m.Repository.Routing),
            m.Repository.RoutingPath)).ToList();
        catalog = ModelCatalog.Versioned(models, new VersionLoader(options, repository.Root, repository.Budget, Serve));
        return catalog;
    }
}
