using InferenceServer.Server.Grpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceServer.Server.Versions;

/// <summary>Whether a finished request failed on the server's side (what counts against a version's error rate): HTTP 5xx, or a gRPC status that means the same.</summary>
public static class ServerFailure
{
    // UNKNOWN, INTERNAL, UNAVAILABLE, DATA_LOSS: the gRPC statuses HTTP would send as 5xx (client mistakes and cancellations are not the version's fault).
    private static readonly string[] GrpcServerErrors = ["2", "13", "14", "15"];

    public static bool Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.StatusCode >= 500) return true;
        if (!GrpcRequests.Is(context.Request)) return false;
        // A trailers-only response carries the status in its headers; a streamed one in its trailers.
        string? status = response.Headers["grpc-status"].FirstOrDefault() ?? context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].FirstOrDefault();
        return status is not null && GrpcServerErrors.Contains(status);
    }
}
