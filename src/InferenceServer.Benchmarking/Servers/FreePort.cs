using System.Net;
using System.Net.Sockets;

namespace InferenceServer.Benchmarking.Servers;

/// <summary>A loopback TCP port nothing listens on right now (the OS picks it).</summary>
internal static class FreePort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
