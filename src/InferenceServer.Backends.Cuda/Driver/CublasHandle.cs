using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>
/// A cuBLAS handle bound to a stream, for the dense GEMMs of prefill (the kernels cover decode GEMV on Q8_0). Our
/// matrices are row-major: y [rows, nOut] = x [rows, k] · Wᵀ with W [nOut, k] as the checkpoint stores it, which
/// column-major cuBLAS computes as yᵀ = op_T(W) · xᵀ. Inputs in fp32, fp16 or bf16; accumulation always fp32.
/// </summary>
public sealed unsafe class CublasHandle : SafeHandle
{
    private const int OpN = 0, OpT = 1, Compute32F = 68, DefaultAlgo = -1;

    private CublasHandle() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Creates a handle (in the current CUDA context) issuing work on <paramref name="stream"/>; throws <see cref="CublasException"/> (e.g. CUBLAS_STATUS_NOT_INITIALIZED without a device) or <see cref="DllNotFoundException"/>.</summary>
    public static CublasHandle Create(CudaStream? stream = null)
    {
        var result = new CublasHandle();
        CublasNative.Create(out nint h).Check("cublasCreate");
        result.SetHandle(h);
        if (stream != null) CublasNative.SetStream(h, stream.DangerousGetHandle()).Check("cublasSetStream");
        return result;
    }

    /// <summary>
    /// Gives cuBLAS a workspace of its own (device memory the caller keeps alive), so GEMMs allocate nothing per call
    /// and can be captured into CUDA graphs.
    /// </summary>
    public void SetWorkspace(nint workspace, long bytes) => CublasNative.SetWorkspace(handle, workspace, (nuint)bytes).Check("cublasSetWorkspace");

    /// <summary>y = x · Wᵀ for row-major x [rows, k], W [nOut, k], y [rows, nOut], all of <paramref name="dtype"/>.</summary>
    public void Gemm(KernelDType dtype, nint y, nint x, nint w, int rows, int nOut, int k) => Gemm(dtype, dtype, y, x, w, rows, nOut, k);

    /// <summary>As <see cref="Gemm(KernelDType, nint, nint, nint, int, int, int)"/> with y of its own type (fp32 output from half inputs).</summary>
    public void Gemm(KernelDType inputs, KernelDType output, nint y, nint x, nint w, int rows, int nOut, int k)
    {
        float alpha = 1, beta = 0;
        int type = DataType(inputs);
        CublasNative.GemmEx(handle, OpT, OpN, nOut, rows, k, &alpha, w, type, k, x, type, k, &beta, y, DataType(output), nOut, Compute32F, DefaultAlgo)
            .Check("cublasGemmEx");
    }

    /// <summary><see cref="Gemm(KernelDType, nint, nint, nint, int, int, int)"/> over <paramref name="batch"/> independent problems, each operand advancing by its stride in elements.</summary>
    public void GemmStridedBatched(KernelDType dtype, nint y, nint x, nint w, int rows, int nOut, int k, int batch, long strideY, long strideX, long strideW)
    {
        float alpha = 1, beta = 0;
        int type = DataType(dtype);
        CublasNative.GemmStridedBatchedEx(handle, OpT, OpN, nOut, rows, k, &alpha, w, type, k, strideW, x, type, k, strideX, &beta, y, type, nOut, strideY,
            batch, Compute32F, DefaultAlgo).Check("cublasGemmStridedBatchedEx");
    }

    protected override bool ReleaseHandle() => CublasNative.Destroy(handle) == CublasStatus.Success;

    // cudaDataType_t: CUDA_R_32F, CUDA_R_16F, CUDA_R_16BF.
    private static int DataType(KernelDType dtype) => dtype switch
    {
        KernelDType.F32 => 0,
        KernelDType.F16 => 2,
        KernelDType.BF16 => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };
}
