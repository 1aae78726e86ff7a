using InferenceServer.Backends;
using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Backend;
using InferenceServer.Backends.Cuda.Driver;
using InferenceServer.Backends.Cuda.Emulation;
using InferenceServer.Engine;

namespace InferenceServer.Devices;

/// <summary>
/// Opens the backend <see cref="EngineOptions.Device"/> asks for. CUDA failures (no driver, no device, no fatbin, a
/// failed context) become <see cref="DeviceUnavailableException"/> naming the CUDA error; <c>auto</c> turns them into
/// the CPU backend with the reason in <see cref="BackendChoice.Description"/>.
/// </summary>
public static class ComputeBackendFactory
{
    private static readonly Lazy<KernelEmulator> Emulator = new(() => new KernelEmulator(KernelArtifacts.EmulationLibrary));

    public static BackendChoice Create(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Device)
        {
            case ComputeDevice.Cpu:
                return Cpu(options, "device");
            case ComputeDevice.Cuda:
                return Gpu(options);
            case ComputeDevice.CudaEmulation:
                return Emulated(options);
            default:
                try
                {
                    return Gpu(options);
                }
                catch (DeviceUnavailableException e)
                {
                    return Cpu(options, $"device auto: CUDA not used ({e.Message}); running on the");
                }
        }
    }

    // "device cpu: avx2+fma, 2 threads": the kernel path and threads, after what led to the CPU.
    private static BackendChoice Cpu(EngineOptions options, string lead)
    {
        var cpu = new CpuBackend(options.Threads, options.CpuPath);
        return new BackendChoice(cpu, $"{lead} {cpu.Description}");
    }

    private static BackendChoice Gpu(EngineOptions options)
    {
        var probe = CudaDriver.Probe();
        if (!probe.Available) throw new DeviceUnavailableException($"no usable CUDA GPU: {probe.Reason}");
        if (KernelArtifacts.MissingReason(KernelArtifacts.Fatbin, "fatbin") is { } missing) throw new DeviceUnavailableException(missing);
        GpuDevice device;
        try
        {
            device = GpuDevice.Open(KernelArtifacts.Fatbin);
        }
        catch (CudaException e)
        {
            throw new DeviceUnavailableException($"opening GPU 0 failed: {e.Message}", e);
        }
        return new BackendChoice(new CudaBackend(device, ownsDevice: true, options.MaxLoraRank), $"device cuda: GPU 0 ({probe.Reason})");
    }

    private static BackendChoice Emulated(EngineOptions options)
    {
        if (KernelArtifacts.MissingReason(KernelArtifacts.EmulationLibrary, "emu") is { } missing) throw new DeviceUnavailableException(missing);
        var device = new EmulatedDevice(Emulator.Value);
        return new BackendChoice(new CudaBackend(device, ownsDevice: true, options.MaxLoraRank),
            "device cuda-emulation: the CUDA kernels emulated on the CPU (slow; for checking the CUDA path)");
    }
}
