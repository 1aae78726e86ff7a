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
        response.Headers["grpc-message"] = PercentEncode(message);
    }

    /// <summary>
    /// grpc-message as the gRPC HTTP/2 spec encodes it: UTF-8, with only bytes outside printable ASCII (0x20-0x7E) and
    /// '%' percent-encoded (Uri.EscapeDataString also encoded ':' and spaces, which clients then showed as "%3A").
    /// </summary>
    public static string PercentEncode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new System.Text.StringBuilder(message.Length);
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%') text.Append((char)b);
            else text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
