namespace InferenceServer.Server.Metrics;

/// <summary><c>GET /metrics</c>: the server's registry in Prometheus text format, with vLLM's names.</summary>
public static class MetricsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ServerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        using var buffer = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        string text = VllmNames.Rewrite(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }
}
