namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Launches a kernel of kernels/ by its extern "C" name with cuLaunchKernel's shape. The GPU (driver API) and the
/// CPU emulation implement it, so launch shapes and argument packing are one code path for both.
/// </summary>
public interface IKernelLauncher
{
    /// <summary>Queues (GPU) or runs (emulation) the kernel; throws <see cref="CudaException"/> when the launch fails.</summary>
    void Launch(string kernel, in LaunchConfig config, ref KernelArguments arguments);

    /// <summary>Waits until every launch so far has finished.</summary>
    void Synchronize();
}
