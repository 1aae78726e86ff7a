namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary>OpenAI-style object ids and creation times.</summary>
public static class ResponseIds
{
    public static string New(string prefix) => prefix + Guid.NewGuid().ToString("N");

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
