using InferenceServer.Server.Configuration;
using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.OpenAi.Requests;
using InferenceServer.Server.Versions;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceServer.Server.Admin;

/// <summary>
/// The HTTP admin API (behind the API key like every non-probe route) over <see cref="RoutingAdmin"/>: routing state,
/// canary weight, promote, roll back, faults, and loading and unloading versions (as Triton's
/// <c>POST v2/repository/models/{name}/load|unload</c>); the gRPC <c>inference.admin.v1.Admin</c> service offers the same.
/// </summary>
public static class RoutingAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/admin/routing", (ModelCatalog catalog) => Json(new RoutingAdmin(catalog).States()));
        app.MapPost("/admin/routing/{model}/weight", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var r = await BindAsync<SetWeightRequest>(context).ConfigureAwait(false);
            return Json(new RoutingAdmin(catalog).SetWeight(model, r.Weight, r.Canary, r.Reason));
        });
        app.MapPost("/admin/routing/{model}/promote", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var r = await BindAsync<ReasonRequest>(context).ConfigureAwait(false);
            return Json(new RoutingAdmin(catalog).Promote(model, r.Reason));
        });
        app.MapPost("/admin/routing/{model}/rollback", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var r = await BindAsync<ReasonRequest>(context).ConfigureAwait(false);
            return Json(new RoutingAdmin(catalog).Rollback(model, r.Reason));
        });
        app.MapPost("/admin/routing/{model}/faults", async (HttpContext context, ModelCatalog catalog, string model) =>
        {
            var r = await BindAsync<SetFaultsRequest>(context).ConfigureAwait(false);
            return Json(new RoutingAdmin(catalog).SetFaults(model, r.Version, r.ErrorRate, r.AddedLatencyMs, r.Reason));
        });
        app.MapPost("/admin/models/{model}/versions/{version}/load", async (HttpContext context, ModelCatalog catalog, string model, string version) =>
        {
            var r = await BindAsync<LoadVersionRequest>(context).ConfigureAwait(false);
            return Json(await new RoutingAdmin(catalog).LoadAsync(model, version, r.KvCacheMemory).ConfigureAwait(false));
        });
        app.MapPost("/admin/models/{model}/versions/{version}/unload", async (HttpContext context, ModelCatalog catalog, ServerOptions options, string model, string version) =>
        {
            var r = await BindAsync<UnloadVersionRequest>(context).ConfigureAwait(false);
            return Json(await new RoutingAdmin(catalog).UnloadAsync(model, version, r.GraceSeconds, options.ShutdownGraceSeconds).ConfigureAwait(false));
        });
        app.MapGrpcService<AdminGrpcService>();
    }

    private static IResult Json(object value) => Results.Json(value, OpenAiJson.Options);

    /// <summary>Reads an optional JSON body (an empty one binds to defaults).</summary>
    private static async Task<T> BindAsync<T>(HttpContext context) where T : class
    {
        // No body at all (curl -X POST without -d sends no length) binds to defaults like an empty one.
        if (context.Request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            using var empty = System.Text.Json.JsonDocument.Parse("{}");
            return RequestBodyReader.Bind<T>(empty.RootElement);
        }
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        return RequestBodyReader.Bind<T>(body.RootElement);
    }
}
