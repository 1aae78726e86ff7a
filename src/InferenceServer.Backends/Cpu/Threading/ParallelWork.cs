namespace InferenceServer.Backends.Cpu.Threading;

/// <summary>
/// A unit of parallel work over an index range. Kernels keep one preallocated instance per op and set its fields
/// before each run, so running work allocates nothing.
/// </summary>
public abstract class ParallelWork
{
    /// <summary>Processes items [start, end); <paramref name="worker"/> identifies the thread (0 = caller) for scratch buffers.</summary>
    public abstract void Execute(int start, int end, int worker);
}
