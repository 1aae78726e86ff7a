using InferenceServer.Backends.Graphs;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>An instantiated CUDA graph (CUgraphExec) launched on the stream it was captured from.</summary>
internal sealed class CudaGraph(nint exec, CudaStream stream, CudaContext context) : ICapturedGraph
{
    private nint _exec = exec;

    public void Launch()
    {
        context.EnsureCurrent();
        CudaNative.cuGraphLaunch(_exec, stream.DangerousGetHandle()).Check("cuGraphLaunch");
    }

    public void Dispose()
    {
        if (_exec == 0) return;
        context.EnsureCurrent();
        CudaNative.cuGraphExecDestroy(_exec);
        _exec = 0;
    }
}
