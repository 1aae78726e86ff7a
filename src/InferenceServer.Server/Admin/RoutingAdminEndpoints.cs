using InferenceServer.Routing.Config;
using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.OpenAi.Errors;
using InferenceServer.Server.OpenAi.Requests;
using InferenceServer.Server.Versions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace InferenceServer.Server.Admin;

/// <summary>
/// The routing admin API (behind the API key like every non-probe route): show every model's routing state and
/// history, set the canary weight, promote, roll back, and set a version's injected faults. Changes live in
/// memory (as automatic ones do); the routing file is not rewritten.
/// </summary>
public static class RoutingAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/admin/routing", (ModelCatalog catalog) =>
            Results.Json(catalog.Models.Values.Select(RoutingState.Of).ToList(), OpenAiJson.Options));
        app.MapPost("/admin/routing/{model}/weight", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var m = Find(catalog, model);
            var request = await BindAsync<SetWeightRequest>(context).ConfigureAwait(false);
            if (request.Weight is not double weight) throw ApiException.BadRequest("'weight' is required", "weight");
            var file = ToFile(m.Controller.Current) with { CanaryWeight = weight };
            m.Controller.Configure(Validate(m, file), request.Reason ?? $"weight set to {weight}% through the admin API");
            return Results.Json(RoutingState.Of(m), OpenAiJson.Options);
        });
        app.MapPost("/admin/routing/{model}/promote", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var m = Find(catalog, model);
            var request = await BindAsync<ReasonRequest>(context).ConfigureAwait(false);
            if (m.Controller.Current.Canary is null) throw ApiException.BadRequest($"model '{model}' has no canary to promote");
            m.Controller.Promote(request.Reason ?? "promoted through the admin API");
            return Results.Json(RoutingState.Of(m), OpenAiJson.Options);
        });
        app.MapPost("/admin/routing/{model}/rollback", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var m = Find(catalog, model);
            var request = await BindAsync<ReasonRequest>(context).ConfigureAwait(false);
            m.Controller.Rollback(request.Reason ?? "rolled back through the admin API");
            return Results.Json(RoutingState.Of(m), OpenAiJson.Options);
        });
        app.MapPost("/admin/routing/{model}/faults", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var m = Find(catalog, model);
            var request = await BindAsync<SetFaultsRequest>(context).ConfigureAwait(false);
            if (string.IsNullOrEmpty(request.Version)) throw ApiException.BadRequest("'version' is required", "version");
            var file = ToFile(m.Controller.Current);
            var faults = new Dictionary<string, FaultFile>(file.Faults!, StringComparer.Ordinal) { [request.Version] = new FaultFile(request.ErrorRate, request.AddedLatencyMs) };
            m.Controller.Configure(Validate(m, file with { Faults = faults }),
                $"faults of version {request.Version} set through the admin API: error rate {request.ErrorRate}, added latency {request.AddedLatencyMs} ms");
            return Results.Json(RoutingState.Of(m), OpenAiJson.Options);
        });
    }

    private static ModelVersions Find(ModelCatalog catalog, string model) =>
        catalog.Models.TryGetValue(model, out var m) ? m : throw ApiException.ModelNotFound(model);

    /// <summary>Reads an optional JSON body (an empty one binds to defaults).</summary>
    private static async Task<T> BindAsync<T>(HttpContext context) where T : class
    {
        if (context.Request.ContentLength == 0)
        {
            using var empty = System.Text.Json.JsonDocument.Parse("{}");
            return RequestBodyReader.Bind<T>(empty.RootElement);
        }
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        return RequestBodyReader.Bind<T>(body.RootElement);
    }

    /// <summary>Admin changes pass the same validation as the routing file, against the loaded versions.</summary>
    private static RoutingConfig Validate(ModelVersions m, RoutingFile file)
    {
        try
        {
            return RoutingConfigReader.Validate("admin API", m.Name, file, m.Versions.Keys.ToList());
        }
        catch (Core.Errors.ModelLoadException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    /// <summary>The routing in force as a file, so an admin change edits one field and revalidates the whole.</summary>
    private static RoutingFile ToFile(RoutingConfig c) => new()
    {
        Stable = c.Stable,
        Canary = c.Canary,
        CanaryWeight = c.CanaryWeight,
        Steps = [.. c.Steps],
        EvaluationWindowSeconds = c.EvaluationWindow.TotalSeconds,
        MinRequests = c.MinRequests,
        Rollback = new RollbackFile(c.ErrorRateRatio, c.P95LatencyRatio),
        StickyHeader = c.StickyHeader,
        Shadow = c.ShadowVersion is { } s ? new ShadowFile(s, c.ShadowSampleRate) : null,
        Faults = c.Faults.ToDictionary(f => f.Key, f => new FaultFile(f.Value.ErrorRate, f.Value.AddedLatency.TotalMilliseconds), StringComparer.Ordinal),
    };
}
