using InferenceServer.Routing.Repository;
using InferenceServer.Server.Hosting;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Loads <c>--models-dir</c>: for each model, an engine per version its routing names (stable, canary, shadow),
/// the KV-cache budget split between all of them by <see cref="ServerOptions.KvCacheShares"/> (equal by default).
/// </summary>
public static class RepositoryLoader
{
    public static IReadOnlyList<VersionedModel> Load(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ModelsDir)) throw new ArgumentException("no models folder given: set --models-dir (or Server:ModelsDir)");
        var repository = ModelRepository.Load(options.ModelsDir);
        if (repository.Models.Count == 0) throw new ArgumentException($"models folder {repository.Root} holds no model manifests");
        var wanted = repository.Models.Values
            .SelectMany(m => m.Routing.Versions.Distinct(StringComparer.Ordinal).Select(v => (Model: m, Version: v)))
            .ToList();
        double Share((RepositoryModel Model, string Version) w) => options.KvCacheShares.TryGetValue($"{w.Model.Name}@{w.Version}", out var s) ? s : 1;
        double total = wanted.Sum(Share);
        var loaded = new List<VersionedModel>();
        try
        {
            foreach (var group in wanted.GroupBy(w => w.Model))
            {
                var versions = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
                // Added before its engines load, so a failed load still releases the ones already started.
                loaded.Add(new VersionedModel(group.Key, versions));
                foreach (var w in group)
                {
                    long? kv = options.KvCacheMemoryBytes is long budget ? (long)(budget * Share(w) / total) : null;
                    versions[w.Version] = ServedModel.Load(options, w.Model.Versions[w.Version].ManifestPath, w.Model.Name, kv);
                }
            }
            return loaded;
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }
}
