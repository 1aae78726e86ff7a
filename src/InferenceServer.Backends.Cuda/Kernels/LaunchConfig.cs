namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>How a kernel is launched: cuLaunchKernel's grid, block and dynamic shared-memory bytes.</summary>
public readonly record struct LaunchConfig(Dim3 Grid, Dim3 Block, int SharedBytes = 0);
