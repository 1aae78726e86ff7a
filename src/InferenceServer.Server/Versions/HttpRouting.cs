using System.Diagnostics;
using InferenceServer.Server.Errors;
using InferenceServer.Versions.Health;

namespace InferenceServer.Server.Versions;

/// <summary>
/// Carries out a <see cref="RouteChoice"/> on an ASP.NET Core request (the OpenAI endpoints and gRPC calls alike):
/// names the version in <see cref="VersionHeader"/>, settles the shadow copy, records the outcome for the canary
/// controller once the response is done, and applies injected faults.
/// </summary>
public static class HttpRouting
{
    /// <summary>Response header naming the version that served a request.</summary>
    public const string VersionHeader = "x-model-version";

    /// <summary>
    /// Picks the version for a request naming <paramref name="requested"/> and applies its injected faults (delay,
    /// then a 500); throws NotFound for an unknown model or version.
    /// </summary>
    public static async Task<RoutedRequest> RouteAsync(this ModelCatalog catalog, HttpContext context, string? requested, string? user)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        var choice = catalog.Route(requested, user, name => headers.TryGetValue(name, out var value) ? value.ToString() : null);
        if (choice.Version is not { } version) return new RoutedRequest(choice.Generation, choice.Selected, null);
        long start = Stopwatch.GetTimestamp();
        // Set when the response starts, since an error response clears the headers written before it.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[VersionHeader] = version;
            return Task.CompletedTask;
        });
        ShadowCopy? shadow = null;
        if (choice is { ShadowVersion: { } shadowVersion, ShadowGeneration: { } shadowGeneration, Model: { } model })
        {
            shadow = new ShadowCopy(shadowVersion, shadowGeneration, model.Shadows);
            // A request that failed never reports its texts; the copy is still counted, uncompared.
            context.Response.OnCompleted(() =>
            {
                shadow.Answered(null);
                return Task.CompletedTask;
            });
        }
        var route = new RoutedRequest(choice.Generation, choice.Selected, version, shadow);
        // Recorded once the response is done, so failures the endpoint turns into error responses count too
        // (and the client's own mistakes, which say nothing about the version, can be left out).
        context.Response.OnCompleted(() =>
        {
            if (ServerFailure.IsClientSide(context)) return Task.CompletedTask;
            var latency = Stopwatch.GetElapsedTime(start);
            var ttft = route.Session?.TimeToFirstToken;
            int tokens = route.Session?.CompletionTokens ?? 0;
            TimeSpan? tpot = ttft is { } first && tokens > 1 ? (latency - first) / (tokens - 1) : null;
            catalog.Record(choice, new RequestOutcome(ServerFailure.Of(context), latency, ttft, tpot, tokens));
            return Task.CompletedTask;
        });
        if (choice.FaultDelay > TimeSpan.Zero) await Task.Delay(choice.FaultDelay, context.RequestAborted).ConfigureAwait(false);
        if (choice.FaultFails)
            throw new ServerException(ServerErrorKind.Internal, $"Injected fault: version `{version}` of model `{choice.Model?.Name}` failed this request (fault drill).", null, "injected_fault");
        return route;
    }
}
