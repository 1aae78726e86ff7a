using Microsoft.AspNetCore.Http;

namespace InferenceServer.Server.Grpc;

/// <summary>Recognizes gRPC calls among HTTP requests and answers one with a bare status (trailers-only response).</summary>
public static class GrpcRequests
{
    public static bool Is(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
    }

    public static void WriteStatus(HttpResponse response, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
