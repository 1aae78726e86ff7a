using InferenceServer.Server.Configuration;
using InferenceServer.Server.Serving;
using InferenceServer.Versions.Repository;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Loads <c>--models-dir</c>: for each model, an engine per version its routing names (stable, canary, shadow),
/// the KV-cache budget split between all of them by <see cref="ServerOptions.KvCacheShares"/> (equal by default;
/// see <see cref="KvBudget"/> for the parts kept free for versions loaded later).
/// </summary>
public static class RepositoryLoader
{
    public static LoadedRepository Load(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ModelsDir)) throw new ArgumentException("no models folder given: set --models-dir (or Server:ModelsDir)");
        var repository = ModelRepository.Load(options.ModelsDir);
        if (repository.Models.Count == 0) throw new ArgumentException($"models folder {repository.Root} holds no model manifests");
        var wanted = repository.Models.Values
            .SelectMany(m => m.Routing.Versions.Distinct(StringComparer.Ordinal).Select(v => (Model: m, Version: v)))
            .ToList();
        var budget = new KvBudget(options.Engine.KvCacheMemoryBytes, options.KvCacheShares.ToDictionary(StringComparer.Ordinal));
        var parts = budget.ReserveAtStart(wanted.Select(w => KvBudget.Key(w.Model.Name, w.Version)).ToList());
        var loaded = new List<VersionedModel>();
        try
        {
            foreach (var group in wanted.GroupBy(w => w.Model))
            {
                var versions = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
                // Added before its engines load, so a failed load still releases the ones already started.
                loaded.Add(new VersionedModel(group.Key, versions));
                foreach (var w in group)
                    versions[w.Version] = ServedModel.Load(options, w.Model.Versions[w.Version].ManifestPath, w.Model.Name, parts[KvBudget.Key(w.Model.Name, w.Version)]);
            }
            return new LoadedRepository(repository.Root, loaded, budget);
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }
}
