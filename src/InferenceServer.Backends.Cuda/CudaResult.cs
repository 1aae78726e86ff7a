namespace InferenceServer.Backends.Cuda;

/// <summary>The CUDA driver API's CUresult values this code meets (numbers as in cuda.h); the emulation reports the same.</summary>
public enum CudaResult
{
    Success = 0,
    ErrorInvalidValue = 1,
    ErrorOutOfMemory = 2,
    ErrorNotInitialized = 3,
    ErrorDeinitialized = 4,
    ErrorStubLibrary = 34,
    ErrorInsufficientDriver = 35,
    ErrorNoDevice = 100,
    ErrorInvalidDevice = 101,
    ErrorInvalidImage = 200,
    ErrorInvalidContext = 201,
    ErrorNoBinaryForGpu = 209,
    ErrorUnsupportedPtxVersion = 222,
    ErrorInvalidSource = 300,
    ErrorFileNotFound = 301,
    ErrorInvalidHandle = 400,
    ErrorNotFound = 500,
    ErrorNotReady = 600,
    ErrorIllegalAddress = 700,
    ErrorLaunchOutOfResources = 701,
    ErrorLaunchTimeout = 702,
    ErrorLaunchFailed = 719,
    ErrorNotSupported = 801,
    ErrorStreamCaptureUnsupported = 900,
    ErrorStreamCaptureInvalidated = 901,
    ErrorUnknown = 999,
}
