using InferenceServer.Core.Errors;

namespace InferenceServer.Devices;

/// <summary>The requested compute device cannot be used here; the message says why (the CUDA error, a missing driver or fatbin).</summary>
public sealed class DeviceUnavailableException : InferenceServerException
{
    public DeviceUnavailableException(string message) : base(message)
    {
    }

    public DeviceUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}
