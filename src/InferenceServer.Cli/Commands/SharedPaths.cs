namespace InferenceServer.Cli.Commands;

/// <summary>Finds ../shared/models beside the repository (or $INFERENCE_SERVER_SHARED_MODELS).</summary>
internal static class SharedPaths
{
    public static string Models()
    {
        var env = Environment.GetEnvironmentVariable("INFERENCE_SERVER_SHARED_MODELS");
        if (!string.IsNullOrEmpty(env)) return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "models");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException("../shared/models not found; set INFERENCE_SERVER_SHARED_MODELS");
    }

    public static string Tokenizers() => Path.Combine(Models(), "tokenizers");
}
