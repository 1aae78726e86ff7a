using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>
/// The cuBLAS entry points we use, resolved from whichever libcublas the machine has (CUDA 12 images ship .so.12,
/// Debian's toolkit 11.8 ships .so.11): function pointers rather than LibraryImport, because the file name differs per
/// CUDA major version and an assembly can have only one DllImport resolver. Only this folder calls them.
/// </summary>
internal static unsafe class CublasNative
{
    private static readonly string[] Candidates = ["libcublas.so.12", "libcublas.so.11", "libcublas.so"];
    private static readonly Lazy<nint> Library = new(Load);

    /// <summary>Whether a cuBLAS library loads here.</summary>
    public static bool IsAvailable => Candidates.Any(c => NativeLibrary.TryLoad(c, out _));

    public static CublasStatus Create(out nint handle)
    {
        nint h;
        var status = ((delegate* unmanaged<nint*, CublasStatus>)Export("cublasCreate_v2"))(&h);
        handle = h;
        return status;
    }

    public static CublasStatus Destroy(nint handle) => ((delegate* unmanaged<nint, CublasStatus>)Export("cublasDestroy_v2"))(handle);

    public static CublasStatus SetWorkspace(nint handle, nint workspace, nuint bytes) =>
        ((delegate* unmanaged<nint, nint, nuint, CublasStatus>)Export("cublasSetWorkspace_v2"))(handle, workspace, bytes);

    public static CublasStatus SetStream(nint handle, nint stream) => ((delegate* unmanaged<nint, nint, CublasStatus>)Export("cublasSetStream_v2"))(handle, stream);

    public static CublasStatus GemmEx(nint handle, int transA, int transB, int m, int n, int k, float* alpha, nint a, int aType, int lda,
        nint b, int bType, int ldb, float* beta, nint c, int cType, int ldc, int computeType, int algo)
        => ((delegate* unmanaged<nint, int, int, int, int, int, float*, nint, int, int, nint, int, int, float*, nint, int, int, int, int, CublasStatus>)
            Export("cublasGemmEx"))(handle, transA, transB, m, n, k, alpha, a, aType, lda, b, bType, ldb, beta, c, cType, ldc, computeType, algo);

    public static CublasStatus GemmStridedBatchedEx(nint handle, int transA, int transB, int m, int n, int k, float* alpha, nint a, int aType,
        int lda, long strideA, nint b, int bType, int ldb, long strideB, float* beta, nint c, int cType, int ldc, long strideC, int batch,
        int computeType, int algo)
        => ((delegate* unmanaged<nint, int, int, int, int, int, float*, nint, int, int, long, nint, int, int, long, float*, nint, int, int, long, int, int, int, CublasStatus>)
            Export("cublasGemmStridedBatchedEx"))(handle, transA, transB, m, n, k, alpha, a, aType, lda, strideA, b, bType, ldb, strideB, beta, c,
            cType, ldc, strideC, batch, computeType, algo);

    /// <summary>cuBLAS's own name for a status (cublasGetStatusName, cuBLAS 11.4+), or ours when it is not there.</summary>
    public static string Name(CublasStatus status)
    {
        if (NativeLibrary.TryGetExport(Library.Value, "cublasGetStatusName", out nint f))
        {
            nint name = ((delegate* unmanaged<CublasStatus, nint>)f)(status);
            if (name != 0) return Marshal.PtrToStringUTF8(name)!;
        }
        return OwnName(status);
    }

    /// <summary>Our name for a status, as cuBLAS spells it: NotInitialized → CUBLAS_STATUS_NOT_INITIALIZED.</summary>
    public static string OwnName(CublasStatus status)
        => "CUBLAS_STATUS_" + string.Concat(status.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    /// <summary>cuBLAS's description of a status, when the library has cublasGetStatusString.</summary>
    public static string? Description(CublasStatus status)
        => NativeLibrary.TryGetExport(Library.Value, "cublasGetStatusString", out nint f) && ((delegate* unmanaged<CublasStatus, nint>)f)(status) is var s && s != 0
            ? Marshal.PtrToStringUTF8(s)
            : null;

    public static void Check(this CublasStatus status, string call)
    {
        if (status != CublasStatus.Success) throw new CublasException(status, Name(status), call, Description(status));
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Library.Value, name);

    private static nint Load()
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out nint handle)) return handle;
        throw new DllNotFoundException($"cuBLAS not found (tried {string.Join(", ", Candidates)}): install the CUDA toolkit or runtime's cuBLAS");
    }
}
