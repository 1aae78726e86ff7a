using InferenceServer.Backends.Graphs;

namespace InferenceServer.Backends.Cuda.Emulation;

/// <summary>A captured graph under the emulation: the recorded launches (arguments copied at capture, as CUDA bakes them) replayed in order.</summary>
internal sealed class EmulatedGraph(IReadOnlyList<Action> nodes) : ICapturedGraph
{
    public int NodeCount => nodes.Count;

    public void Launch()
    {
        foreach (var node in nodes) node();
    }

    public void Dispose()
    {
    }
}
