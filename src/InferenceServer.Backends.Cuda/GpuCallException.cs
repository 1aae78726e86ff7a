using InferenceServer.Core.Errors;

namespace InferenceServer.Backends.Cuda;

/// <summary>
/// A call into a native GPU library (the CUDA driver, cuBLAS) that failed: the message names the call, the library's
/// own name for the status and its value, as "cuInit failed: CUDA_ERROR_NO_DEVICE (100)".
/// </summary>
public abstract class GpuCallException : InferenceServerException
{
    protected GpuCallException()
    {
    }

    protected GpuCallException(string message) : base(message)
    {
    }

    protected GpuCallException(string message, Exception innerException) : base(message, innerException)
    {
    }

    protected GpuCallException(int status, string statusName, string call, string? detail)
        : base($"{call} failed: {statusName} ({status}){(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}")
    {
        StatusName = statusName;
    }

    /// <summary>The library's name for the status, e.g. "CUDA_ERROR_NO_DEVICE" or "CUBLAS_STATUS_NOT_INITIALIZED".</summary>
    public string StatusName { get; } = "";
}
