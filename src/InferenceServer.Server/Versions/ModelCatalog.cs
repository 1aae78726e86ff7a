using System.Collections.Immutable;
using System.Diagnostics;
using InferenceServer.Routing.Faults;
using InferenceServer.Routing.Health;
using InferenceServer.Routing.Routing;
using InferenceServer.Server.Generation;
using InferenceServer.Server.Errors;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Sends each API request to the engine that serves it. With a single <c>--model</c> that is always the one model;
/// with <c>--models-dir</c> a request for a name goes to a pinned version (<c>name@version</c>) or to the version
/// its model's canary routing picks (sticky by <c>user</c> or the routing's header), gets that version's injected
/// faults, says the version in <c>x-model-version</c>, and its outcome feeds the model's canary controller.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    /// <summary>Response header naming the version that served a request.</summary>
    public const string VersionHeader = "x-model-version";

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
    /// Picks the version for a request naming <paramref name="requested"/> and applies its injected faults (delay,
    /// then a 500); throws a 404 for an unknown model or version.
    /// </summary>
    public async Task<RoutedRequest> RouteAsync(HttpContext context, string? requested, string? user)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_single is not null) return new RoutedRequest(_single, _single.Model.Select(requested), null);
        var reference = string.IsNullOrEmpty(requested) ? new ModelReference(Default.Model.Name, null) : ModelReference.Parse(requested);
        if (!Models.TryGetValue(reference.Name, out var model)) throw ServerException.ModelNotFound(requested!);
        var config = model.Controller.Current;
        string? sticky = config.StickyHeader is { } header && context.Request.Headers.TryGetValue(header, out var value) ? value.ToString() : user;
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
        long start = Stopwatch.GetTimestamp();
        // Set when the response starts, since an error response clears the headers written before it.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[VersionHeader] = version;
            return Task.CompletedTask;
        });
        ShadowCopy? shadow = null;
        if (decision.ShadowVersion is { } shadowVersion && versions.TryGetValue(shadowVersion, out var shadowGeneration))
        {
            shadow = new ShadowCopy(shadowVersion, shadowGeneration, model.Shadows);
            // A request that failed never reports its texts; the copy is still counted, uncompared.
            context.Response.OnCompleted(() =>
            {
                shadow.Answered(null);
                return Task.CompletedTask;
            });
        }
        var route = new RoutedRequest(generation, generation.Model.Select(model.Name), version, shadow);
        // Recorded once the response is done, so failures the endpoint turns into error responses count too
        // (and the client's own mistakes, which say nothing about the version, can be left out).
        context.Response.OnCompleted(() =>
        {
            if (ServerFailure.IsClientSide(context)) return Task.CompletedTask;
            var latency = Stopwatch.GetElapsedTime(start);
            var ttft = route.Session?.TimeToFirstToken;
            int tokens = route.Session?.CompletionTokens ?? 0;
            TimeSpan? tpot = ttft is { } first && tokens > 1 ? (latency - first) / (tokens - 1) : null;
            var outcome = new RequestOutcome(ServerFailure.Of(context), latency, ttft, tpot, tokens);
            model.Controller.Record(version, outcome);
            Completed?.Invoke(model.Name, version, outcome);
            return Task.CompletedTask;
        });
        if (config.Faults.TryGetValue(version, out var fault))
        {
            var (delay, fail) = _faults.Decide(fault);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            if (fail)
                throw new ServerException(ServerErrorKind.Internal, $"Injected fault: version `{version}` of model `{model.Name}` failed this request (fault drill).", null, "injected_fault");
        }
        return route;
    }

    public void Dispose()
    {
        foreach (var m in Models.Values) m.Dispose();
        Loader?.Dispose();
        Additions.Dispose();
    }
}
