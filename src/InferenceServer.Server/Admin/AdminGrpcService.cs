using Grpc.Core;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Versions;

namespace InferenceServer.Server.Admin;

/// <summary>
/// The gRPC admin API (<c>inference.admin.v1.Admin</c>, behind the API key like every call): the HTTP admin API's
/// operations through the same <see cref="RoutingAdmin"/>; its errors become gRPC statuses in <see cref="Grpc.GrpcErrorInterceptor"/>.
/// </summary>
public sealed class AdminGrpcService(ModelCatalog catalog, ServerOptions options) : V1.Admin.AdminBase
{
    private readonly RoutingAdmin _admin = new(catalog);

    public override Task<V1.GetRoutingResponse> GetRouting(V1.GetRoutingRequest request, ServerCallContext context)
    {
        var response = new V1.GetRoutingResponse();
        response.Models.AddRange(_admin.States().Select(RoutingMessages.Of));
        return Task.FromResult(response);
    }

    public override Task<V1.ModelRouting> SetWeight(V1.SetWeightRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Done(_admin.SetWeight(request.Model, request.Weight, OrNull(request.Canary), OrNull(request.Reason)));
    }

    public override Task<V1.ModelRouting> Promote(V1.ModelChangeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Done(_admin.Promote(request.Model, OrNull(request.Reason)));
    }

    public override Task<V1.ModelRouting> Rollback(V1.ModelChangeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Done(_admin.Rollback(request.Model, OrNull(request.Reason)));
    }

    public override Task<V1.ModelRouting> SetFaults(V1.SetFaultsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Done(_admin.SetFaults(request.Model, OrNull(request.Version), request.ErrorRate, request.AddedLatencyMs, OrNull(request.Reason)));
    }

    public override async Task<V1.ModelRouting> LoadVersion(V1.LoadVersionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = await _admin.LoadAsync(request.Model, request.Version, request.HasKvCacheMemory ? request.KvCacheMemory : null).ConfigureAwait(false);
        return RoutingMessages.Of(state);
    }

    public override async Task<V1.ModelRouting> UnloadVersion(V1.UnloadVersionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = await _admin.UnloadAsync(request.Model, request.Version, request.HasGraceSeconds ? request.GraceSeconds : null, options.ShutdownGraceSeconds).ConfigureAwait(false);
        return RoutingMessages.Of(state);
    }

    private static Task<V1.ModelRouting> Done(RoutingState state) => Task.FromResult(RoutingMessages.Of(state));

    // Proto3 strings cannot be null: empty means "not given".
    private static string? OrNull(string value) => string.IsNullOrEmpty(value) ? null : value;
}
