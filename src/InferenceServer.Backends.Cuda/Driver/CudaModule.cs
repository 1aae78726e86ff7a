using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>A loaded module (the kernels fatbin); the driver picks the cubin for the device or JITs the PTX.</summary>
public sealed unsafe class CudaModule : SafeHandle
{
    private CudaModule() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Loads a fatbin/cubin/PTX image into the current context.</summary>
    public static CudaModule Load(ReadOnlySpan<byte> image)
    {
        var module = new CudaModule();
        fixed (byte* p = image)
        {
            CudaNative.cuModuleLoadData(out nint m, p).Check("cuModuleLoadData");
            module.SetHandle(m);
        }
        return module;
    }

    /// <summary>The CUfunction of an extern "C" kernel.</summary>
    public nint Function(string name)
    {
        CudaNative.cuModuleGetFunction(out nint f, handle, name).Check($"cuModuleGetFunction({name})");
        return f;
    }

    protected override bool ReleaseHandle() => CudaNative.cuModuleUnload(handle) == CudaResult.Success;
}
