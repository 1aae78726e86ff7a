using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace InferenceServer.Server.Hosting;

/// <summary>The HTTP and gRPC listeners; after start their endpoints hold the bound ports (port 0 picks one).</summary>
public sealed class ListenerEndpoints
{
    internal ListenOptions? Http { get; set; }
    internal ListenOptions? Grpc { get; set; }

    public int HttpPort => (Http?.IPEndPoint ?? throw new InvalidOperationException("no HTTP listener")).Port;

    /// <summary>The gRPC port, or -1 when gRPC is off.</summary>
    public int GrpcPort => Grpc?.IPEndPoint?.Port ?? -1;

    internal static IPAddress Parse(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" or "+" => IPAddress.IPv6Any,
        _ => IPAddress.TryParse(host, out var ip) ? ip : throw new ArgumentException($"host must be an IP address, 'localhost' or '*', got '{host}'"),
    };
}
