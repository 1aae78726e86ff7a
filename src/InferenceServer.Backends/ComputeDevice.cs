namespace InferenceServer.Backends;

/// <summary>Where the engine computes (<c>--device</c>).</summary>
[System.ComponentModel.TypeConverter(typeof(ComputeDeviceConverter))]
public enum ComputeDevice
{
    /// <summary>The C# SIMD kernels on the CPU.</summary>
    Cpu,

    /// <summary>Our CUDA kernels and cuBLAS on GPU 0; an error when no GPU can be used.</summary>
    Cuda,

    /// <summary>CUDA when a GPU can be used, otherwise the CPU (saying why).</summary>
    Auto,

    /// <summary>
    /// The CUDA backend with every kernel run by the CPU emulation of kernels/ (cuBLAS replaced by a host GEMM): slow,
    /// for checking the CUDA path end to end on machines without a GPU.
    /// </summary>
    CudaEmulation,
}

/// <summary>Parsing of <see cref="ComputeDevice"/> as the flag spells it.</summary>
public static class ComputeDeviceNames
{
    /// <summary>Accepted spellings: cpu, cuda, auto, cuda-emulation.</summary>
    public static ComputeDevice Parse(string value) => value?.Trim().ToLowerInvariant() switch
    {
        "cpu" => ComputeDevice.Cpu,
        "cuda" or "gpu" => ComputeDevice.Cuda,
        "auto" => ComputeDevice.Auto,
        "cuda-emulation" => ComputeDevice.CudaEmulation,
        _ => throw new ArgumentException($"unknown device '{value}': use cpu, cuda, auto or cuda-emulation"),
    };
}
