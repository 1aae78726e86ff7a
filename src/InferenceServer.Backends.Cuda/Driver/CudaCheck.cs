using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>Turns a failed CUresult into a <see cref="CudaException"/> naming the error as the driver does.</summary>
internal static class CudaCheck
{
    public static void Check(this CudaResult result, string call)
    {
        if (result != CudaResult.Success) throw new CudaException(result, Name(result), call, Description(result));
    }

    public static string Name(CudaResult result)
        => CudaNative.cuGetErrorName(result, out nint p) == CudaResult.Success && p != 0 ? Marshal.PtrToStringUTF8(p)! : CudaErrorNames.Of(result);

    private static string? Description(CudaResult result)
        => CudaNative.cuGetErrorString(result, out nint p) == CudaResult.Success && p != 0 ? Marshal.PtrToStringUTF8(p) : null;
}
