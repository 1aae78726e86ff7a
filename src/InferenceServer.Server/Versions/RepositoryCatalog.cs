using InferenceServer.Routing.Canary;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Generation;
using InferenceServer.Server.Hosting;
using InferenceServer.Server.Metrics;

namespace InferenceServer.Server.Versions;

/// <summary>The catalog of a loaded models folder: a generation service per loaded version, a canary controller per model, and a loader for versions added later.</summary>
public static class RepositoryCatalog
{
    public static ModelCatalog Create(ServerOptions options, LoadedRepository repository, AdmissionController admission, ServerMetrics metrics, ServerState state)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(repository);
        GenerationService Serve(ServedModel served) => new(served, admission, metrics, state, options.RetryAfterSeconds);
        var models = repository.Select(m => new ModelVersions(
            m.Repository.Name,
            m.Versions.ToDictionary(v => v.Key, v => Serve(v.Value), StringComparer.Ordinal),
            new CanaryController(m.Repository.Routing),
            m.Repository.RoutingPath)).ToList();
        return ModelCatalog.Versioned(models, new VersionLoader(options, repository.Root, repository.Budget, Serve));
    }
}
