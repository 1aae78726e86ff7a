using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Driver;
using InferenceServer.Backends.Cuda.Emulation;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>The devices the conformance suite runs on: the CPU emulation always (when built), a real GPU when present.</summary>
internal static class KernelDevices
{
    public const string Emulation = "emulation";
    public const string Gpu = "gpu";

    private static readonly Lazy<KernelEmulator?> Emulator = new(() =>
        KernelArtifacts.MissingReason(KernelArtifacts.EmulationLibrary, "emu") == null ? new KernelEmulator(KernelArtifacts.EmulationLibrary) : null);

    private static readonly Lazy<IKernelDevice?> EmulatedDevice = new(() => Emulator.Value is { } e ? new EmulatedDevice(e) : null);

    private static readonly Lazy<IKernelDevice?> GpuDevice = new(() =>
        GpuSkipReason() == null ? Backends.Cuda.Driver.GpuDevice.Open(KernelArtifacts.Fatbin) : null);

    /// <summary>The emulator, for tests of its own behaviour.</summary>
    public static KernelEmulator KernelEmulator => Emulator.Value ?? throw new InvalidOperationException(EmulationSkipReason());

    /// <summary>Null when tests can run on <paramref name="device"/>, else why not.</summary>
    public static string? SkipReason(string device) => device switch
    {
        Emulation => EmulationSkipReason(),
        Gpu => GpuSkipReason(),
        _ => $"unknown device {device}",
    };

    public static IKernelDevice Get(string device) => (device == Gpu ? GpuDevice.Value : EmulatedDevice.Value)
        ?? throw new InvalidOperationException(SkipReason(device));

    public static string? EmulationSkipReason() => KernelArtifacts.MissingReason(KernelArtifacts.EmulationLibrary, "emu");

    private static string? GpuSkipReason()
    {
        var probe = CudaDriver.Probe();
        if (!probe.Available) return "no CUDA GPU: " + probe.Reason;
        return KernelArtifacts.MissingReason(KernelArtifacts.Fatbin, "fatbin");
    }
}
