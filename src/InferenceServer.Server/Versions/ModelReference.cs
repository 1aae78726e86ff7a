namespace InferenceServer.Server.Versions;

/// <summary>A request's "model" split into the model name and an optional pinned version (<c>name@version</c>).</summary>
public readonly record struct ModelReference(string Name, string? Version)
{
    public static ModelReference Parse(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        int at = requested.LastIndexOf('@');
        return at < 0 ? new ModelReference(requested, null) : new ModelReference(requested[..at], requested[(at + 1)..]);
    }
}
