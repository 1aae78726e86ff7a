using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Driver;

using Xunit;

namespace InferenceServer.TestSupport;

/// <summary>A fact that needs the CPU emulation of the CUDA kernels (built with the CUDA toolkit's headers); skips with the reason otherwise.</summary>
public sealed class NeedsKernelEmulationFactAttribute : FactAttribute
{
    public NeedsKernelEmulationFactAttribute() => Skip = KernelArtifacts.MissingReason(KernelArtifacts.EmulationLibrary, "emu");
}

/// <summary>A fact about machines without a usable GPU (like CI's); skips where a GPU is present.</summary>
public sealed class NoGpuFactAttribute : FactAttribute
{
    public NoGpuFactAttribute() => Skip = CudaDriver.Probe().Available ? "a CUDA GPU is present: the no-GPU path cannot be exercised" : null;
}
