namespace InferenceServer.Backends;

/// <summary>Device memory as cuMemGetInfo reports it, in bytes.</summary>
public readonly record struct DeviceMemory(long Free, long Total);
