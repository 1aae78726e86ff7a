using System.Collections.Concurrent;
using System.Diagnostics;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Serving;
using InferenceServer.Server.Sessions;
using InferenceServer.Versions.Repository;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Loads versions of a models folder while the server runs, as Triton's repository API does: reads the version's
/// manifest from the folder, reserves its KV cache within the folder's budget and starts its engine; unloading waits
/// for the version's requests to finish (up to a grace period), then stops its engine, which fails the rest cleanly,
/// and frees its memory. Engines loaded here are stopped with the server.
/// </summary>
public sealed class VersionLoader(ServerOptions options, string root, KvBudget budget, Func<string, ServedModel, GenerationService> serve) : IDisposable
{
    private readonly ConcurrentDictionary<ServedModel, byte> _loaded = new();

    /// <summary>The models folder versions are read from.</summary>
    public string Root => root;

    /// <summary>
    /// Loads <paramref name="version"/> of <paramref name="model"/> with <paramref name="kvCacheBytes"/> of KV cache (null: as
    /// <see cref="KvBudget.Reserve"/> decides). Throws <see cref="FileNotFoundException"/> without a manifest,
    /// <see cref="Core.Errors.ModelLoadException"/> or <see cref="ArgumentException"/> for a bad manifest, model or size,
    /// and <see cref="InvalidOperationException"/> when the budget has no room.
    /// </summary>
    public async Task<GenerationService> LoadAsync(string model, string version, long? kvCacheBytes)
    {
        string path = ModelRepository.ManifestPath(root, model, version);
        if (!File.Exists(path)) throw new FileNotFoundException($"version '{version}' of model '{model}' has no manifest ({path})", path);
        var manifest = ModelRepository.ReadVersion(root, model, version);
        string key = KvBudget.Key(model, version);
        long? bytes = budget.Reserve(key, kvCacheBytes);
        try
        {
            // Loading maps the weights and sizes the cache: seconds for a large model, off the request threads.
            var served = await Task.Run(() => ServedModel.Load(options, manifest.ManifestPath, model, bytes)).ConfigureAwait(false);
            _loaded[served] = 0;
            return serve(model, served);
        }
        catch
        {
            budget.Release(key);
            throw;
        }
    }

    /// <summary>
    /// Stops a version already taken out of routing: waits up to <paramref name="grace"/> for its requests, then stops
    /// its engine (requests still running end with a 503 / UNAVAILABLE) and frees its KV cache. Returns how many it cut off.
    /// </summary>
    public async Task<int> UnloadAsync(string model, string version, GenerationService generation, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(generation);
        var served = generation.Model;
        long start = Stopwatch.GetTimestamp();
        while (served.Engine.InFlight > 0 && Stopwatch.GetElapsedTime(start) < grace)
            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        int cut = served.Engine.InFlight;
        // Versions loaded at start belong to their loader too; disposing twice is a no-op.
        served.Dispose();
        _loaded.TryRemove(served, out _);
        budget.Release(KvBudget.Key(model, version));
        return cut;
    }

    public void Dispose()
    {
        foreach (var served in _loaded.Keys) served.Dispose();
        _loaded.Clear();
    }
}
