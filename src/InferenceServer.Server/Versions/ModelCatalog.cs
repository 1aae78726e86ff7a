using System.Collections.Immutable;
using InferenceServer.Server.Errors;
using InferenceServer.Server.Sessions;
using InferenceServer.Versions.Faults;
using InferenceServer.Versions.Health;
using InferenceServer.Versions.Routing;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Sends each API request to the engine that serves it. With a single <c>--model</c> that is always the one model;
/// with <c>--models-dir</c> a request for a name goes to a pinned version (<c>name@version</c>) or to the version
/// its model's canary routing picks (sticky by <c>user</c> or the routing's header), gets that version's injected
/// faults, and its outcome feeds the model's canary controller. <see cref="HttpRouting"/> applies the choice to a request.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly GenerationService? _single;
    private readonly VersionRouter _router = new();
    private readonly FaultInjector _faults = new();

    private ImmutableSortedDictionary<string, ModelVersions> _models;

    private ModelCatalog(GenerationService? single, IReadOnlyList<ModelVersions> models, VersionLoader? loader)
    {
        _single = single;
        Loader = loader;
        _models = models.ToImmutableSortedDictionary(m => m.Name, m => m, StringComparer.Ordinal);
        Default = single ?? models[0].Stable;
    }

    /// <summary>One model, no versions: requests resolve as before (base model or LoRA adapter).</summary>
    public static ModelCatalog Single(GenerationService generation) => new(generation, [], null);

    /// <summary>Repository models with their versions and routing; <paramref name="loader"/> loads and unloads versions at run time.</summary>
    public static ModelCatalog Versioned(IReadOnlyList<ModelVersions> models, VersionLoader? loader = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new ArgumentException("no models to serve", nameof(models));
        return new ModelCatalog(null, models, loader);
    }

    /// <summary>Loads and unloads versions at run time (null with a single <c>--model</c>).</summary>
    public VersionLoader? Loader { get; }

    /// <summary>Raised for every routed request once it completes: model name, version and outcome (for per-version metrics).</summary>
    public event Action<string, string, RequestOutcome>? Completed;

    /// <summary>Repository models by name, in name order (empty with a single <c>--model</c>): a snapshot, as models may be added at run time.</summary>
    public IReadOnlyDictionary<string, ModelVersions> Models => Volatile.Read(ref _models);

    /// <summary>Held while a model is added, so two loads of a new model's first version do not both add it.</summary>
    public SemaphoreSlim Additions { get; } = new(1, 1);

    /// <summary>Raised after a model is added at run time (its routing changes and file are then watched like the others').</summary>
    public event Action<ModelVersions>? ModelAdded;

    /// <summary>Serves a model added to the folder after start (its first version loaded through the admin API).</summary>
    public void Add(ModelVersions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ImmutableInterlocked.Update(ref _models, d => d.ContainsKey(model.Name) ? d : d.Add(model.Name, model)))
            throw new InvalidOperationException($"model '{model.Name}' is already served");
        ModelAdded?.Invoke(model);
    }

    /// <summary>The service of calls that name no model (tokenize, gRPC): the single model, or the first model's stable version.</summary>
    public GenerationService Default { get; }

    /// <summary>
    /// Decides where a request naming <paramref name="requested"/> runs: the version (pinned, or picked by the canary
    /// routing, sticky by the routing's header read through <paramref name="header"/>, else by <paramref name="user"/>),
    /// its shadow copy and its injected faults. Touches no request; throws NotFound for an unknown model or version.
    /// </summary>
    public RouteChoice Route(string? requested, string? user, Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (_single is not null) return new RouteChoice(_single, _single.Model.Select(requested), null, null);
        var reference = string.IsNullOrEmpty(requested) ? new ModelReference(Default.Model.Name, null) : ModelReference.Parse(requested);
        if (!Models.TryGetValue(reference.Name, out var model)) throw ServerException.ModelNotFound(requested!);
        var config = model.Controller.Current;
        string? sticky = config.StickyHeader is { } name && header(name) is { } value ? value : user;
        // One snapshot of the loaded versions for the whole request, as versions may be loaded or unloaded meanwhile.
        var versions = model.Versions;
        RouteDecision decision;
        try
        {
            decision = _router.Route(config, versions.Keys.ToList(), reference.Version, sticky);
        }
        catch (KeyNotFoundException)
        {
            throw new ServerException(ServerErrorKind.NotFound, $"The model `{reference.Name}` has no loaded version `{reference.Version}` (loaded: {string.Join(", ", versions.Keys.Order())}).",
                "model", "model_not_found");
        }
        string version = decision.Version;
        // The routing may name a version being unloaded right now: it is no longer served.
        if (!versions.TryGetValue(version, out var generation))
            throw new ServerException(ServerErrorKind.Unavailable, $"Version `{version}` of model `{model.Name}` is being unloaded; retry.") { RetryAfterSeconds = 1 };
        var choice = new RouteChoice(generation, generation.Model.Select(model.Name), model, version);
        if (decision.ShadowVersion is { } shadowVersion && versions.TryGetValue(shadowVersion, out var shadowGeneration))
            choice = choice with { ShadowVersion = shadowVersion, ShadowGeneration = shadowGeneration };
        if (config.Faults.TryGetValue(version, out var fault))
        {
            var (delay, fail) = _faults.Decide(fault);
            choice = choice with { FaultDelay = delay, FaultFails = fail };
        }
        return choice;
    }

    /// <summary>Feeds a finished request's outcome to its model's canary controller and to <see cref="Completed"/>.</summary>
    public void Record(RouteChoice choice, RequestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(choice);
        if (choice is not { Model: { } model, Version: { } version }) return;
        model.Controller.Record(version, outcome);
        Completed?.Invoke(model.Name, version, outcome);
    }

    public void Dispose()
    {
        foreach (var m in Models.Values) m.Dispose();
        Loader?.Dispose();
        Additions.Dispose();
    }
}
