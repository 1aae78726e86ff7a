using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Driver;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Driver;

/// <summary>The cuBLAS binding's failure path on a machine with the driver but no GPU: a named status, not a crash.</summary>
[Trait("Category", "CudaDriver")]
public sealed class CublasTests
{
    [NeedsFact(Needs.DriverWithoutGpu)]
    public void Creating_a_handle_without_a_device_fails_naming_the_cublas_status_or_the_missing_library()
    {
        if (!CublasNative.IsAvailable)
        {
            var missing = Assert.Throws<DllNotFoundException>(() => CublasHandle.Create());
            Assert.Contains("libcublas.so", missing.Message, StringComparison.Ordinal);
            return;
        }
        var e = Assert.Throws<CublasException>(() => CublasHandle.Create());
        Assert.Equal(CublasStatus.NotInitialized, e.Status);
        Assert.Equal("CUBLAS_STATUS_NOT_INITIALIZED", e.StatusName);
        Assert.Contains("cublasCreate failed: CUBLAS_STATUS_NOT_INITIALIZED (1)", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Pins the enum's numbering: each value's name as cuBLAS reports it matches ours.</summary>
    [NeedsFact(Needs.DriverWithoutGpu)]
    public void Our_status_names_match_cublas_own_names()
    {
        if (!CublasNative.IsAvailable) return;
        foreach (var status in Enum.GetValues<CublasStatus>())
            Assert.Equal(CublasNative.Name(status), CublasNative.OwnName(status));
    }
}
