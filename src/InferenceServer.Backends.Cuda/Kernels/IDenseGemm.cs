namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// y [rows, nOut] (fp32) = x [rows, k] · Wᵀ with W [nOut, k] row-major as checkpoints store it, x and W both of
/// <c>inputs</c> type, accumulating in fp32: cuBLAS's GemmEx on a GPU. Not one of our kernels, so the emulation
/// substitutes a host loop with the same numerics contract.
/// </summary>
public interface IDenseGemm
{
    void Gemm(KernelDType inputs, nint y, nint x, nint w, int rows, int nOut, int k);
}
