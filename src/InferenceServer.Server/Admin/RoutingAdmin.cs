using InferenceServer.Core.Errors;
using InferenceServer.Server.Errors;
using InferenceServer.Server.Sessions;
using InferenceServer.Server.Versions;
using InferenceServer.Versions.Canary;
using InferenceServer.Versions.Config;
using InferenceServer.Versions.Repository;

namespace InferenceServer.Server.Admin;

/// <summary>
/// The admin operations on a models folder, shared by the HTTP and gRPC admin APIs: show the routing, set the canary
/// (and its weight), promote, roll back, set a version's injected faults, load and unload versions. Routing changes
/// live in memory, as automatic ones do (the routing file is not rewritten). Failures are <see cref="ServerException"/>s:
/// NotFound for an unknown model or version, InvalidRequest for invalid values, Conflict for a change the current state forbids.
/// </summary>
public sealed class RoutingAdmin(ModelCatalog catalog)
{
    /// <summary>Every model's routing in force, health, shadow results and history.</summary>
    public IReadOnlyList<RoutingState> States() => catalog.Models.Values.Select(RoutingState.Of).ToList();

    /// <summary>Sets the canary's weight, and makes <paramref name="canary"/> the canary first when given (validated like the routing file).</summary>
    public RoutingState SetWeight(string model, double? weight, string? canary, string? reason)
    {
        var m = Find(model);
        if (weight is not double w) throw ServerException.BadRequest("'weight' is required", "weight");
        var file = RoutingFile.From(m.Controller.Current) with { CanaryWeight = w };
        if (!string.IsNullOrEmpty(canary)) file = file with { Canary = canary };
        string what = string.IsNullOrEmpty(canary) ? $"weight set to {w}%" : $"canary set to version {canary} at {w}%";
        m.Controller.Configure(Validate(m, file), reason ?? $"{what} through the admin API");
        return RoutingState.Of(m);
    }

    /// <summary>Makes the canary the stable version now.</summary>
    public RoutingState Promote(string model, string? reason)
    {
        var m = Find(model);
        if (m.Controller.Current.Canary is null) throw ServerException.Conflict($"model '{model}' has no canary to promote");
        m.Controller.Promote(reason ?? "promoted through the admin API");
        return RoutingState.Of(m);
    }

    /// <summary>Sends the canary to 0 % now.</summary>
    public RoutingState Rollback(string model, string? reason)
    {
        var m = Find(model);
        m.Controller.Rollback(reason ?? "rolled back through the admin API");
        return RoutingState.Of(m);
    }

    /// <summary>Sets a version's injected faults (zeros clear them).</summary>
    public RoutingState SetFaults(string model, string? version, double errorRate, double addedLatencyMs, string? reason)
    {
        var m = Find(model);
        if (string.IsNullOrEmpty(version)) throw ServerException.BadRequest("'version' is required", "version");
        var file = RoutingFile.From(m.Controller.Current);
        var faults = new Dictionary<string, FaultFile>(file.Faults!, StringComparer.Ordinal) { [version] = new FaultFile(errorRate, addedLatencyMs) };
        m.Controller.Configure(Validate(m, file with { Faults = faults }),
            reason ?? $"faults of version {version} set through the admin API: error rate {errorRate}, added latency {addedLatencyMs} ms");
        return RoutingState.Of(m);
    }

    /// <summary>
    /// Loads a version from its manifest in the models folder (KV cache: <paramref name="kvCacheBytes"/>, else its
    /// share of the budget, else what is free). A routing-file edit rejected before (naming this version, say) then
    /// applies if it fits; otherwise the version becomes the canary at 0 % unless another canary has traffic. The first
    /// version of a model added to the folder after start becomes its stable version (see <see cref="AddModelAsync"/>).
    /// </summary>
    public async Task<RoutingState> LoadAsync(string model, string version, long? kvCacheBytes)
    {
        var loader = catalog.Loader ?? throw ServerException.Conflict("versions are loaded only when serving a models folder (--models-dir)");
        if (kvCacheBytes is <= 0) throw ServerException.BadRequest($"'kv_cache_memory' must be positive, got {kvCacheBytes}", "kv_cache_memory");
        if (!catalog.Models.ContainsKey(model))
        {
            await catalog.Additions.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!catalog.Models.ContainsKey(model)) return await AddModelAsync(loader, model, version, kvCacheBytes).ConfigureAwait(false);
            }
            finally
            {
                catalog.Additions.Release();
            }
        }
        var m = Find(model);
        await m.Changes.WaitAsync().ConfigureAwait(false);
        try
        {
            if (m.Versions.ContainsKey(version)) throw ServerException.Conflict($"version '{version}' of model '{model}' is already loaded");
            m.Add(version, await LoadEngineAsync(loader, model, version, kvCacheBytes).ConfigureAwait(false));
            // The operator's latest routing-file edit, rejected while it named a version not loaded, wins over the default.
            bool edited = m.RetryRoutingEdit($"version {version} loaded through the admin API; the routing file edit rejected before applies now");
            var current = m.Controller.Current;
            if (!edited && (current.Canary is null || current.CanaryWeight == 0))
                m.Controller.Configure(current with { Canary = version, CanaryWeight = 0 }, $"version {version} loaded through the admin API: canary at 0%");
            return RoutingState.Of(m);
        }
        finally
        {
            m.Changes.Release();
        }
    }

    /// <summary>
    /// Serves a model whose folder was added after start, with <paramref name="version"/> as its stable version: its
    /// routing file applies if it fits that one version; one that names versions not loaded yet applies once they are.
    /// </summary>
    private async Task<RoutingState> AddModelAsync(VersionLoader loader, string model, string version, long? kvCacheBytes)
    {
        if (!ModelRepository.IsModelName(model) || !Directory.Exists(Path.Combine(loader.Root, model))) throw ServerException.ModelNotFound(model);
        var generation = await LoadEngineAsync(loader, model, version, kvCacheBytes).ConfigureAwait(false);
        string routingPath = Path.Combine(loader.Root, model, ModelRepository.RoutingFileName);
        var routing = new RoutingConfig { Model = model, Stable = version };
        bool pending = false;
        if (File.Exists(routingPath))
        {
            try
            {
                routing = RoutingConfigReader.Read(routingPath, model, [version]);
            }
            catch (Exception e) when (e is ModelLoadException or IOException)
            {
                pending = true;
            }
        }
        var added = new ModelVersions(model, new Dictionary<string, GenerationService> { [version] = generation }, new CanaryController(routing),
            File.Exists(routingPath) ? routingPath : null, pending);
        catalog.Add(added);
        return RoutingState.Of(added);
    }

    /// <summary>Starts a version's engine, its failures as API errors: 404 without a manifest, 400 for a bad one, 409 without room.</summary>
    private static async Task<GenerationService> LoadEngineAsync(VersionLoader loader, string model, string version, long? kvCacheBytes)
    {
        try
        {
            return await loader.LoadAsync(model, version, kvCacheBytes).ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            throw new ServerException(ServerErrorKind.NotFound, e.Message, "version", "version_not_found");
        }
        catch (Exception e) when (e is ModelLoadException or ArgumentException)
        {
            throw ServerException.BadRequest($"version '{version}' of model '{model}' cannot be loaded: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw ServerException.Conflict(e.Message);
        }
    }

    /// <summary>
    /// Unloads a version that takes no traffic: refused (409) for the stable version and a canary with weight. It leaves
    /// routing at once (as canary or shadow too, with its faults); its requests get <paramref name="graceSeconds"/>
    /// (default: the shutdown grace) to finish before its engine stops and fails the rest.
    /// </summary>
    public async Task<RoutingState> UnloadAsync(string model, string version, double? graceSeconds, double defaultGraceSeconds)
    {
        var m = Find(model);
        var loader = catalog.Loader ?? throw ServerException.Conflict("versions are unloaded only when serving a models folder (--models-dir)");
        if (graceSeconds is < 0 or > MaxGraceSeconds) throw ServerException.BadRequest($"'grace_seconds' must be in [0, {MaxGraceSeconds}], got {graceSeconds}", "grace_seconds");
        await m.Changes.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!m.Versions.TryGetValue(version, out var generation))
                throw new ServerException(ServerErrorKind.NotFound, $"version '{version}' of model '{model}' is not loaded (loaded: {string.Join(", ", m.Versions.Keys.Order())})",
                    "version", "version_not_found");
            var c = m.Controller.Current;
            if (c.Stable == version) throw ServerException.Conflict($"version '{version}' is the stable version of model '{model}'; promote another version first");
            if (c.Canary == version && c.CanaryWeight > 0)
                throw ServerException.Conflict($"version '{version}' of model '{model}' is the canary and takes {c.CanaryWeight}% of the traffic; roll it back first");
            m.Remove(version);
            var rest = c with
            {
                Canary = c.Canary == version ? null : c.Canary,
                ShadowVersion = c.ShadowVersion == version ? null : c.ShadowVersion,
                ShadowSampleRate = c.ShadowVersion == version ? 0 : c.ShadowSampleRate,
                Faults = c.Faults.Where(f => f.Key != version).ToDictionary(StringComparer.Ordinal),
            };
            if (c.Canary == version || c.ShadowVersion == version || c.Faults.ContainsKey(version)) m.Controller.Configure(rest, $"version {version} unloaded through the admin API");
            await loader.UnloadAsync(model, version, generation, TimeSpan.FromSeconds(graceSeconds ?? defaultGraceSeconds)).ConfigureAwait(false);
            return RoutingState.Of(m);
        }
        finally
        {
            m.Changes.Release();
        }
    }

    /// <summary>Longest an unloaded version's requests may run on: a day (beyond TimeSpan's range it overflowed).</summary>
    private const double MaxGraceSeconds = 86_400;

    private ModelVersions Find(string model)
    {
        if (catalog.Models.TryGetValue(model, out var m)) return m;
        // One --model has no versions to route between: say so rather than that the model it serves does not exist.
        if (catalog.Loader is null && string.Equals(model, catalog.Default.Model.Name, StringComparison.Ordinal))
            throw ServerException.Conflict($"'{model}' is served from --model, which has no versions: routing and canaries apply only when serving a models folder (--models-dir)");
        throw ServerException.ModelNotFound(model);
    }


    /// <summary>Admin changes pass the same validation as the routing file, against the loaded versions.</summary>
    private static RoutingConfig Validate(ModelVersions m, RoutingFile file)
    {
        try
        {
            return RoutingConfigReader.Validate("admin API", m.Name, file, m.Versions.Keys.ToList());
        }
        catch (ModelLoadException e)
        {
            throw ServerException.BadRequest(e.Message);
        }
    }
}
