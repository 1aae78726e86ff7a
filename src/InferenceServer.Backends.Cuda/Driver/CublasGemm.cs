using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>Dense GEMMs through cuBLAS on the device's stream, fp32 output and accumulation.</summary>
internal sealed class CublasGemm(CublasHandle handle, CudaContext context) : IDenseGemm
{
    public void Gemm(KernelDType inputs, nint y, nint x, nint w, int rows, int nOut, int k)
    {
        if (rows == 0 || nOut == 0) return;
        context.EnsureCurrent();
        handle.Gemm(inputs, KernelDType.F32, y, x, w, rows, nOut, k);
    }
}
