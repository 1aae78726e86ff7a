namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>Driver initialisation and device discovery; <see cref="Probe"/> answers "can CUDA run here, and if not why" without throwing.</summary>
public static class CudaDriver
{
    private static readonly Lazy<CudaAvailability> Availability = new(ProbeOnce);

    /// <summary>Initialises the driver (cuInit); throws <see cref="CudaException"/> (e.g. CUDA_ERROR_NO_DEVICE) or <see cref="DllNotFoundException"/>.</summary>
    public static void Initialize() => CudaNative.cuInit(0).Check("cuInit");

    /// <summary>Version of the installed driver as CUDA encodes it (12020 = 12.2).</summary>
    public static int DriverVersion()
    {
        CudaNative.cuDriverGetVersion(out int version).Check("cuDriverGetVersion");
        return version;
    }

    /// <summary>Number of CUDA devices (after <see cref="Initialize"/>).</summary>
    public static int DeviceCount()
    {
        CudaNative.cuDeviceGetCount(out int count).Check("cuDeviceGetCount");
        return count;
    }

    /// <summary>Whether a CUDA device is usable, with the reason when not (driver library missing, no device, ...); cached.</summary>
    public static CudaAvailability Probe() => Availability.Value;

    private static CudaAvailability ProbeOnce()
    {
        try
        {
            Initialize();
            int count = DeviceCount();
            return count > 0
                ? new CudaAvailability(true, count, $"{count} CUDA device(s), driver {DriverVersion()}")
                : new CudaAvailability(false, 0, "the CUDA driver reports no devices");
        }
        catch (DllNotFoundException)
        {
            return new CudaAvailability(false, 0, "the CUDA driver library libcuda.so.1 is not installed");
        }
        catch (EntryPointNotFoundException e)
        {
            return new CudaAvailability(false, 0, $"libcuda.so.1 is too old: {e.Message}");
        }
        catch (CudaException e)
        {
            return new CudaAvailability(false, 0, e.Message);
        }
    }
}

/// <summary>Outcome of <see cref="CudaDriver.Probe"/>.</summary>
public sealed record CudaAvailability(bool Available, int DeviceCount, string Reason);
