namespace InferenceServer.Benchmarking.Client;

/// <summary>Where a request's token counts came from.</summary>
public enum TokenCountSource
{
    /// <summary>The server's usage (stream_options.include_usage).</summary>
    Usage,

    /// <summary>No usage was sent: output tokens are the content chunks counted, prompt tokens the dataset's count.</summary>
    Chunks,
}
