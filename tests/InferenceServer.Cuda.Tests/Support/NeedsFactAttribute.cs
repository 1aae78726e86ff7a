using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Driver;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>What a test needs from this machine; missing pieces skip it with the reason.</summary>
internal enum Needs
{
    /// <summary>The emulation library (g++ and the CUDA headers at build time).</summary>
    Emulation,

    /// <summary>The nvcc-built fatbin and its ptxas log.</summary>
    Fatbin,

    /// <summary>nvcc itself, to compile a probe source.</summary>
    Nvcc,

    /// <summary>libcuda.so.1 present but no usable GPU: the no-device path.</summary>
    DriverWithoutGpu,
}

/// <summary>A fact that skips with a printed reason when the machine lacks what it <see cref="Needs"/>.</summary>
internal sealed class NeedsFactAttribute : FactAttribute
{
    public NeedsFactAttribute(Needs needs)
    {
        Skip = Reason(needs);
    }

    public static string? Reason(Needs needs) => needs switch
    {
        Needs.Emulation => KernelDevices.EmulationSkipReason(),
        Needs.Fatbin => KernelArtifacts.MissingReason(KernelArtifacts.Fatbin, "fatbin"),
        Needs.Nvcc => Toolchain.Find("nvcc") == null ? "nvcc not found: run scripts/install-cuda-toolkit.sh" : null,
        Needs.DriverWithoutGpu => DriverWithoutGpuReason(),
        _ => "unknown need",
    };

    private static string? DriverWithoutGpuReason()
    {
        var probe = CudaDriver.Probe();
        if (probe.Available) return "a CUDA GPU is present: the no-device path cannot be exercised";
        return probe.Reason.Contains("libcuda.so.1 is not installed", StringComparison.Ordinal) ? probe.Reason : null;
    }
}
