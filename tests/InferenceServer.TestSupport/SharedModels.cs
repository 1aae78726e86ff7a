namespace InferenceServer.TestSupport;

/// <summary>Locates the real model fixtures in ../shared/models next to the repository.</summary>
public static class SharedModels
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The ../shared/models folder.</summary>
    public static string Directory => Root.Value;

    public static string TinyStories => Path.Combine(Directory, "tinystories-656k");
    public static string TinyStoriesQ8Gguf => Path.Combine(Directory, "tinystories-656k-q8_0.gguf");
    public static string Tokenizers => Path.Combine(Directory, "tokenizers");
    public static string ChatTemplates => Path.Combine(Directory, "chat-templates");

    /// <summary>The repository root (the folder holding InferenceServer.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "InferenceServer.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("InferenceServer.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("INFERENCE_SERVER_SHARED_MODELS");
        if (!string.IsNullOrEmpty(env) && System.IO.Directory.Exists(env)) return env;
        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "models"));
        if (!System.IO.Directory.Exists(candidate))
            throw new InvalidOperationException($"shared model fixtures not found at {candidate}");
        return candidate;
    }
}
