namespace InferenceServer.Server.Hosting;

/// <summary>Whether the server is shutting down: /ready turns 503 and new generations are refused while in-flight ones finish.</summary>
public sealed class ServerState
{
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public void BeginStopping() => _stopping = true;
}
