using global::Grpc.Core;
using global::Grpc.Core.Interceptors;
using InferenceServer.Engine.Requests;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Errors;

namespace InferenceServer.Server.Grpc;

/// <summary>Maps failures of gRPC calls to status codes: INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, UNAVAILABLE, CANCELLED.</summary>
public sealed class GrpcErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (ToRpc(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (ToRpc(e, context) is { } rpc)
        {
            throw rpc;
        }
    }

    /// <summary>The status for a failure; null leaves RpcExceptions (and unexpected errors, reported as UNKNOWN) to gRPC.</summary>
    public static RpcException? ToRpc(Exception e, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return e switch
        {
            RpcException => null,
            OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
                new RpcException(new Status(context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, "the call was cancelled")),
            UnknownAdapterException => new RpcException(new Status(StatusCode.NotFound, e.Message)),
            InvalidRequestException or ArgumentException => new RpcException(new Status(StatusCode.InvalidArgument, e.Message)),
            OverloadedException => new RpcException(new Status(StatusCode.ResourceExhausted, e.Message)),
            EngineFailedException => new RpcException(new Status(StatusCode.Unavailable, e.Message)),
            RequestFailedException => new RpcException(new Status(StatusCode.Internal, e.Message)),
            ServerException server => new RpcException(new Status(ToStatusCode(server.Kind), e.Message)),
            _ => null,
        };
    }

    /// <summary>The gRPC code for a kind of failure; kinds gRPC has no closer code for (bad input, bad key, too large) are INVALID_ARGUMENT.</summary>
    public static StatusCode ToStatusCode(ServerErrorKind kind) => kind switch
    {
        ServerErrorKind.NotFound => StatusCode.NotFound,
        ServerErrorKind.Conflict => StatusCode.FailedPrecondition,
        ServerErrorKind.Overloaded => StatusCode.ResourceExhausted,
        ServerErrorKind.Unavailable => StatusCode.Unavailable,
        ServerErrorKind.Internal => StatusCode.Internal,
        _ => StatusCode.InvalidArgument,
    };
}
