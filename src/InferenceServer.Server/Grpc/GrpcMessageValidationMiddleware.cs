using System.Buffers.Binary;
using System.Collections.Frozen;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using InferenceServer.Server.Configuration;

namespace InferenceServer.Server.Grpc;

/// <summary>
/// Reads the one request message of a unary or server-streaming call before gRPC does, and answers what a gRPC client
/// library never sends with a status instead of letting it reach the handler: a message over the size limit is
/// RESOURCE_EXHAUSTED; a frame whose length disagrees with its body, bytes that are not the method's protobuf message,
/// or a string field that is not UTF-8 is INVALID_ARGUMENT. (Deserialization fails before interceptors run, and gRPC
/// reported those as UNKNOWN "Exception was thrown by handler." and logged a stack trace per call.) The checked
/// bytes then go on to gRPC unchanged. Compressed messages pass through unchecked.
/// </summary>
public sealed class GrpcMessageValidationMiddleware(RequestDelegate next, ServerOptions options)
{
    private const int FrameHeaderBytes = 5;

    private static readonly FrozenDictionary<string, MessageDescriptor> Requests = BuildRequestMap(
        V1.InferenceReflection.Descriptor, Admin.V1.AdminReflection.Descriptor, global::Grpc.Health.V1.HealthReflection.Descriptor);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!GrpcRequests.Is(context.Request) || !Requests.TryGetValue(context.Request.Path.Value ?? "", out var type))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        long limit = Math.Min(options.MaxRequestBodyBytes, int.MaxValue - FrameHeaderBytes);
        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, limit + FrameHeaderBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BodyTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            GrpcRequests.WriteStatus(context.Response, 8, $"the request message is larger than the server's limit of {limit} bytes");
            return;
        }
        if (Problem(body, type) is { } problem)
        {
            GrpcRequests.WriteStatus(context.Response, 3, problem);
            return;
        }
        context.Request.Body = new MemoryStream(body, writable: false);
        await next(context).ConfigureAwait(false);
    }

    /// <summary>What is wrong with the framed message, or null when it parses (or is compressed, which is not checked here).</summary>
    private static string? Problem(byte[] body, MessageDescriptor type)
    {
        if (body.Length == 0) return null; // no message at all: gRPC answers that itself
        if (body.Length < FrameHeaderBytes) return "the request ends inside the 5-byte gRPC message header";
        if (body[0] != 0) return null;
        uint declared = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1, 4));
        long carried = body.Length - FrameHeaderBytes;
        if (declared != carried) return $"the gRPC message header declares {declared} bytes but {carried} follow (one request message is expected)";
        try
        {
            type.Parser.ParseFrom(body, FrameHeaderBytes, (int)declared);
            return null;
        }
        catch (InvalidProtocolBufferException e)
        {
            return $"the request is not a valid {type.Name} message: {e.Message}";
        }
        catch (System.Text.DecoderFallbackException)
        {
            return $"the request is not a valid {type.Name} message: a string field is not valid UTF-8";
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 << 10];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit) throw new BodyTooLargeException();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Path → request type of every method that takes exactly one request message.</summary>
    private static FrozenDictionary<string, MessageDescriptor> BuildRequestMap(params FileDescriptor[] files)
    {
        var map = new Dictionary<string, MessageDescriptor>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var service in file.Services)
                foreach (var method in service.Methods)
                    if (!method.IsClientStreaming) map[$"/{service.FullName}/{method.Name}"] = method.InputType;
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed class BodyTooLargeException : Exception
    {
    }
}
