namespace InferenceServer.Backends.Graphs;

/// <summary>A recorded sequence of device work (a CUDA graph) replayed with one launch; it reads whatever its buffers hold at replay.</summary>
public interface ICapturedGraph : IDisposable
{
    void Launch();
}
