namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>OpenAI's <c>stream_options</c>: a final chunk with usage (and null usage on the others) when include_usage is true.</summary>
public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}
