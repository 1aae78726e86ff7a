using InferenceServer.Routing.Canary;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Generation;
using InferenceServer.Server.Hosting;
using InferenceServer.Server.Metrics;

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
        var models = new List<ModelVersions>();
        var metricsOf = new Dictionary<string, ServerMetrics>(StringComparer.Ordinal);
        GenerationService Serve(string model, ServedModel served) => new(served, admission, metricsOf[model], state, options.RetryAfterSeconds);
        foreach (var m in repository)
        {
            string name = m.Repository.Name;
            // Each model's vLLM metrics carry its own name and sum the engines of its versions loaded now.
            metricsOf[name] = models.Count == 0 ? metrics : metrics.ForModel(name, () => models.Single(v => v.Name == name).EngineStats);
            models.Add(new ModelVersions(
                name,
                m.Versions.ToDictionary(v => v.Key, v => Serve(name, v.Value), StringComparer.Ordinal),
                new CanaryController(m.Repository.Routing),
                m.Repository.RoutingPath));
        }
        return ModelCatalog.Versioned(models, new VersionLoader(options, repository.Root, repository.Budget, Serve));
    }
}
