using System.Reflection;
using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Driver;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Driver;

/// <summary>The no-device path against the real libcuda.so.1: clear, named errors and never a crash.</summary>
[Trait("Category", "CudaDriver")]
public sealed class CudaDriverTests
{
    [Fact]
    public void Probe_never_throws_and_says_why_cuda_is_unusable()
    {
        var probe = CudaDriver.Probe();
        Assert.False(string.IsNullOrWhiteSpace(probe.Reason));
        if (!probe.Available)
            Assert.True(probe.Reason.Contains("CUDA_ERROR_", StringComparison.Ordinal) || probe.Reason.Contains("libcuda.so.1", StringComparison.Ordinal), probe.Reason);
    }

    [NeedsFact(Needs.DriverWithoutGpu)]
    public void Initialising_without_a_device_throws_a_CudaException_naming_CUDA_ERROR_NO_DEVICE()
    {
        var e = Assert.Throws<CudaException>(CudaDriver.Initialize);
        Assert.Equal(CudaResult.ErrorNoDevice, e.Result);
        Assert.Equal("CUDA_ERROR_NO_DEVICE", e.ErrorName);
        Assert.Contains("cuInit failed: CUDA_ERROR_NO_DEVICE", e.Message, StringComparison.Ordinal);
    }

    [NeedsFact(Needs.DriverWithoutGpu)]
    public void Opening_the_gpu_device_without_one_fails_with_the_driver_error_and_leaks_no_handle()
    {
        var e = Assert.Throws<CudaException>(() => GpuDevice.Open(KernelArtifacts.Fatbin));
        Assert.Equal(CudaResult.ErrorNoDevice, e.Result);
    }

    [NeedsFact(Needs.DriverWithoutGpu)]
    public void Every_driver_entry_point_we_bind_is_exported_by_libcuda()
    {
        // Bindings resolve at their first call: a misspelt one (say a graph call) would otherwise only fail on a GPU.
        nint library = NativeLibrary.Load("libcuda.so.1");
        var names = typeof(CudaNative).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => (Method: m, Import: m.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(x => x.Import != null)
            .Select(x => x.Import!.EntryPoint ?? x.Method.Name)
            .ToList();
        Assert.Contains("cuGraphLaunch", names);
        Assert.All(names, name => Assert.True(NativeLibrary.TryGetExport(library, name, out _), $"libcuda.so.1 does not export {name}"));
    }

    [NeedsFact(Needs.DriverWithoutGpu)]
    public void Our_error_names_match_the_drivers_own_names()
    {
        // cuGetErrorName works before cuInit and without a device.
        foreach (var result in Enum.GetValues<CudaResult>())
            Assert.Equal(CudaCheck.Name(result), CudaErrorNames.Of(result));
    }
}
