using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>
/// The CUDA driver API entry points we use, bound to libcuda.so.1 (the driver's library, installed with the driver,
/// not the toolkit). Only this folder calls them, so moving to ManagedCuda later is a one-folder change.
/// </summary>
internal static unsafe partial class CudaNative
{
    private const string Library = "libcuda.so.1";

    [LibraryImport(Library)] internal static partial CudaResult cuInit(uint flags);
    [LibraryImport(Library)] internal static partial CudaResult cuDriverGetVersion(out int version);
    [LibraryImport(Library)] internal static partial CudaResult cuGetErrorName(CudaResult error, out nint name);
    [LibraryImport(Library)] internal static partial CudaResult cuGetErrorString(CudaResult error, out nint text);
    [LibraryImport(Library)] internal static partial CudaResult cuDeviceGetCount(out int count);
    [LibraryImport(Library)] internal static partial CudaResult cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Library)] internal static partial CudaResult cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Library)] internal static partial CudaResult cuDeviceGetAttribute(out int value, int attribute, int device);
    [LibraryImport(Library)] internal static partial CudaResult cuDevicePrimaryCtxRetain(out nint context, int device);
    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] internal static partial CudaResult cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Library)] internal static partial CudaResult cuCtxSetCurrent(nint context);
    [LibraryImport(Library)] internal static partial CudaResult cuCtxSynchronize();
    [LibraryImport(Library)] internal static partial CudaResult cuModuleLoadData(out nint module, void* image);
    [LibraryImport(Library)] internal static partial CudaResult cuModuleUnload(nint module);
    [LibraryImport(Library)] internal static partial CudaResult cuModuleGetFunction(out nint function, nint module, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [LibraryImport(Library)] internal static partial CudaResult cuFuncSetAttribute(nint function, int attribute, int value);
    [LibraryImport(Library)]
    internal static partial CudaResult cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, void** parameters, void** extra);
    [LibraryImport(Library, EntryPoint = "cuMemAlloc_v2")] internal static partial CudaResult cuMemAlloc(out nint pointer, nuint bytes);
    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")] internal static partial CudaResult cuMemFree(nint pointer);
    [LibraryImport(Library, EntryPoint = "cuMemHostAlloc")] internal static partial CudaResult cuMemHostAlloc(out nint pointer, nuint bytes, uint flags);
    [LibraryImport(Library)] internal static partial CudaResult cuMemFreeHost(nint pointer);
    [LibraryImport(Library, EntryPoint = "cuMemGetInfo_v2")] internal static partial CudaResult cuMemGetInfo(out nuint free, out nuint total);
    [LibraryImport(Library, EntryPoint = "cuMemsetD8Async")] internal static partial CudaResult cuMemsetD8Async(nint destination, byte value, nuint count, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoDAsync_v2")] internal static partial CudaResult cuMemcpyHtoDAsync(nint destination, void* source, nuint bytes, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoHAsync_v2")] internal static partial CudaResult cuMemcpyDtoHAsync(void* destination, nint source, nuint bytes, nint stream);
    [LibraryImport(Library)] internal static partial CudaResult cuStreamCreate(out nint stream, uint flags);
    [LibraryImport(Library, EntryPoint = "cuStreamDestroy_v2")] internal static partial CudaResult cuStreamDestroy(nint stream);
    [LibraryImport(Library)] internal static partial CudaResult cuStreamSynchronize(nint stream);
    [LibraryImport(Library, EntryPoint = "cuStreamBeginCapture_v2")] internal static partial CudaResult cuStreamBeginCapture(nint stream, int mode);
    [LibraryImport(Library)] internal static partial CudaResult cuStreamEndCapture(nint stream, out nint graph);
    [LibraryImport(Library)] internal static partial CudaResult cuGraphInstantiateWithFlags(out nint graphExec, nint graph, ulong flags);
    [LibraryImport(Library)] internal static partial CudaResult cuGraphLaunch(nint graphExec, nint stream);
    [LibraryImport(Library)] internal static partial CudaResult cuGraphExecDestroy(nint graphExec);
    [LibraryImport(Library)] internal static partial CudaResult cuGraphDestroy(nint graph);
    [LibraryImport(Library)] internal static partial CudaResult cuEventCreate(out nint evt, uint flags);
    [LibraryImport(Library, EntryPoint = "cuEventDestroy_v2")] internal static partial CudaResult cuEventDestroy(nint evt);
    [LibraryImport(Library)] internal static partial CudaResult cuEventRecord(nint evt, nint stream);
    [LibraryImport(Library)] internal static partial CudaResult cuEventSynchronize(nint evt);
    [LibraryImport(Library)] internal static partial CudaResult cuEventElapsedTime(out float milliseconds, nint start, nint end);
}
