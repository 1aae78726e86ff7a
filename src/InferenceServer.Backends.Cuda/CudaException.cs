namespace InferenceServer.Backends.Cuda;

/// <summary>A CUDA driver call that failed, naming the CUresult (e.g. CUDA_ERROR_NO_DEVICE) and the call.</summary>
public sealed class CudaException : GpuCallException
{
    public CudaException()
    {
    }

    public CudaException(string message) : base(message)
    {
    }

    public CudaException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CudaException(CudaResult result, string errorName, string call, string? detail = null) : base((int)result, errorName, call, detail)
    {
        Result = result;
    }

    /// <summary>The CUresult value.</summary>
    public CudaResult Result { get; }

    /// <summary>The driver's name for it, e.g. "CUDA_ERROR_NO_DEVICE".</summary>
    public string ErrorName => StatusName;
}
