using InferenceServer.Backends.Cuda.Driver;

namespace InferenceServer.Backends.Cuda;

/// <summary>A cuBLAS call that failed, naming the status as cuBLAS does (e.g. CUBLAS_STATUS_NOT_INITIALIZED) and the call.</summary>
public sealed class CublasException : GpuCallException
{
    public CublasException()
    {
    }

    public CublasException(string message) : base(message)
    {
    }

    public CublasException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CublasException(CublasStatus status, string statusName, string call, string? detail = null) : base((int)status, statusName, call, detail)
    {
        Status = status;
    }

    /// <summary>The cublasStatus_t value.</summary>
    public CublasStatus Status { get; }
}
