using Microsoft.AspNetCore.Http.Features;

namespace InferenceServer.Server.Versions;

/// <summary>
/// How a finished request counts for its version: a server-side failure (HTTP 5xx, or a gRPC status meaning the same)
/// counts against its error rate; a client's mistake or disconnect says nothing about the version and is not counted.
/// </summary>
public static class ServerFailure
{
    // UNKNOWN, INTERNAL, UNAVAILABLE, DATA_LOSS: the gRPC statuses HTTP would send as 5xx.
    private static readonly string[] GrpcServerErrors = ["2", "13", "14", "15"];

    // CANCELLED, INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, OUT_OF_RANGE, UNAUTHENTICATED: the client's side.
    private static readonly string[] GrpcClientErrors = ["1", "3", "5", "8", "9", "11", "16"];

    /// <summary>Whether the request failed on the server's side.</summary>
    public static bool Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Response.StatusCode >= 500 || GrpcStatus(context) is { } s && GrpcServerErrors.Contains(s);
    }

    /// <summary>Whether the outcome is the client's doing (a 4xx, a bad gRPC call, a disconnect): no evidence about the version.</summary>
    public static bool IsClientSide(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int code = context.Response.StatusCode;
        return context.RequestAborted.IsCancellationRequested || code is >= 400 and < 500 || GrpcStatus(context) is { } s && GrpcClientErrors.Contains(s);
    }

    private static string? GrpcStatus(HttpContext context)
    {
        // Only gRPC responses carry grpc-status: a trailers-only one in its headers, a streamed one in its trailers.
        return context.Response.Headers["grpc-status"].FirstOrDefault() ?? context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].FirstOrDefault();
    }
}
