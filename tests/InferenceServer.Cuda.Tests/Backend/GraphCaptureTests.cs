using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Backend;

/// <summary>Stream capture on a kernel device: recorded launches run only when the graph is launched, read their buffers then, and copies inside a capture fail as CUDA fails them.</summary>
public sealed class GraphCaptureTests
{
    public static TheoryData<int> Lengths() => new(1000);

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Lengths))]
    [KernelCases(KernelDevices.Gpu, nameof(Lengths))]
    public void A_captured_launch_runs_at_each_replay_with_the_buffers_contents_then(string device, int count)
    {
        using var scope = new DeviceScope(device);
        float[] a = [.. Enumerable.Range(0, count).Select(i => (float)i)];
        float[] b = [.. Enumerable.Repeat(1f, count)];
        nint da = scope.Upload(a), db = scope.Upload(b);
        using var graph = scope.Device.Capture(() => ElementwiseLaunch.Add(scope.Launcher, da, db, count));
        Assert.Equal(a, scope.Download<float>(da, count)); // capturing ran nothing
        graph.Launch();
        scope.Device.Upload<float>(Enumerable.Repeat(10f, count).ToArray(), db);
        graph.Launch();
        Assert.Equal(a.Select(x => x + 11f), scope.Download<float>(da, count));
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Lengths))]
    [KernelCases(KernelDevices.Gpu, nameof(Lengths))]
    public void A_copy_from_host_memory_inside_a_capture_fails_and_leaves_the_device_usable(string device, int count)
    {
        using var scope = new DeviceScope(device);
        nint da = scope.Upload(new float[count]);
        var e = Assert.Throws<CudaException>(() => scope.Device.Capture(() => scope.Device.Upload<float>(new float[count], da)));
        Assert.Contains("CUDA_ERROR_STREAM_CAPTURE", e.Message, StringComparison.Ordinal);
        scope.Device.Upload<float>(Enumerable.Repeat(2f, count).ToArray(), da);
        Assert.All(scope.Download<float>(da, count), v => Assert.Equal(2f, v));
    }
}
