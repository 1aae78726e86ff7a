using InferenceServer.Core.Errors;

using InferenceServer.Backends.Cuda.Driver;

namespace InferenceServer.Backends.Cuda;

/// <summary>A cuBLAS call that failed, naming the status as cuBLAS does (e.g. CUBLAS_STATUS_NOT_INITIALIZED) and the call.</summary>
public sealed class CublasException : InferenceServerException
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

    public CublasException(CublasStatus status, string statusName, string call, string? detail = null)
        : base($"{call} failed: {statusName} ({(int)status}){(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}")
    {
        Status = status;
        StatusName = statusName;
    }

    public CublasStatus Status { get; }

    /// <summary>cuBLAS's name for the status, e.g. "CUBLAS_STATUS_NOT_INITIALIZED".</summary>
    public string StatusName { get; } = "";
}
