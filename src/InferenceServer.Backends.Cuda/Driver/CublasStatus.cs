namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>cuBLAS's cublasStatus_t values.</summary>
public enum CublasStatus
{
    Success = 0,
    NotInitialized = 1,
    AllocFailed = 3,
    InvalidValue = 7,
    ArchMismatch = 8,
    MappingError = 11,
    ExecutionFailed = 13,
    InternalError = 14,
    NotSupported = 15,
    LicenseError = 16,
}
