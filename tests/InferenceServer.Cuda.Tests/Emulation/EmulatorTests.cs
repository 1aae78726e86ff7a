using InferenceServer.Backends.Cuda;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Emulation;

/// <summary>The emulation's CUDA semantics (barriers, warp ops, atomics, indices) and its errors, through kernels/testing/.</summary>
[Trait("Category", "CudaEmulation")]
public sealed class EmulatorTests : IDisposable
{
    private readonly DeviceScope _gpu = KernelDevices.EmulationSkipReason() == null ? new DeviceScope(KernelDevices.Emulation) : null!;

    [NeedsFact(Needs.Emulation)]
    public void A_barrier_orders_shared_memory_between_the_threads_of_a_block()
    {
        const int Blocks = 6, Threads = 256;
        var input = Enumerable.Range(0, Blocks * Threads).Select(i => (float)i).ToArray();
        nint output = _gpu.Allocate(input.Length * sizeof(float));
        var args = new KernelArguments();
        args.Add(output);
        args.Add(_gpu.Upload(input));
        _gpu.Launcher.Launch("test_block_reverse", new LaunchConfig(Blocks, Threads), ref args);
        var result = _gpu.Download<float>(output, input.Length);
        for (int i = 0; i < input.Length; i++) Assert.Equal(input[i / Threads * Threads + Threads - 1 - i % Threads], result[i]);
    }

    [NeedsFact(Needs.Emulation)]
    public void Warp_shuffles_and_ballots_follow_cuda_semantics_including_segments()
    {
        const int Threads = 96;
        nint output = _gpu.Allocate(Threads * 6 * sizeof(int));
        var args = new KernelArguments();
        args.Add(output);
        _gpu.Launcher.Launch("test_warp_ops", new LaunchConfig(1, Threads), ref args);
        var r = _gpu.Download<int>(output, Threads * 6);
        static int V(int t) => t * 7 + 1;
        for (int t = 0; t < Threads; t++)
        {
            int lane = t % 32, warp = t - lane;
            Assert.Equal(V(warp + (lane + 3) % 32), r[6 * t]);
            Assert.Equal(V(t ^ 5), r[6 * t + 1]);
            Assert.Equal(lane + 2 < 32 ? V(t + 2) : V(t), r[6 * t + 2]);
            Assert.Equal(lane >= 7 ? V(t - 7) : V(t), r[6 * t + 3]);
            Assert.Equal(lane % 8 + 1 < 8 ? V(t + 1) : V(t), r[6 * t + 4]);
            int ballot = 0;
            for (int l = 0; l < 32; l++) ballot |= (l % 3 == 0 ? 1 : 0) << l;
            Assert.Equal(ballot, r[6 * t + 5]);
        }
    }

    [NeedsFact(Needs.Emulation)]
    public void Atomics_hold_across_blocks_running_on_several_worker_threads()
    {
        nint counter = _gpu.Upload(new uint[1]);
        var args = new KernelArguments();
        args.Add(counter);
        _gpu.Launcher.Launch("test_atomic_count", new LaunchConfig(64, 128), ref args);
        Assert.Equal(64u * 128u, _gpu.Download<uint>(counter, 1)[0]);
    }

    [NeedsFact(Needs.Emulation)]
    public void Three_dimensional_grids_and_blocks_give_every_thread_its_indices()
    {
        var grid = new Dim3(3, 2, 2);
        var block = new Dim3(4, 2, 3);
        int total = (int)(grid.Volume * block.Volume);
        nint output = _gpu.Allocate(total * 6 * sizeof(int));
        var args = new KernelArguments();
        args.Add(output);
        _gpu.Launcher.Launch("test_indices", new LaunchConfig(grid, block), ref args);
        var r = _gpu.Download<int>(output, total * 6);
        int i = 0;
        for (uint bz = 0; bz < grid.Z; bz++)
            for (uint by = 0; by < grid.Y; by++)
                for (uint bx = 0; bx < grid.X; bx++)
                    for (uint tz = 0; tz < block.Z; tz++)
                        for (uint ty = 0; ty < block.Y; ty++)
                            for (uint tx = 0; tx < block.X; tx++, i += 6)
                                Assert.Equal(new[] { (int)tx, (int)ty, (int)tz, (int)bx, (int)by, (int)bz }, r[i..(i + 6)]);
    }

    [NeedsFact(Needs.Emulation)]
    public void A_barrier_some_threads_never_reach_is_reported_naming_the_threads_instead_of_hanging()
    {
        nint output = _gpu.Allocate(64 * sizeof(float));
        var args = new KernelArguments();
        args.Add(output);
        var e = Assert.Throws<CudaException>(() => _gpu.Launcher.Launch("test_divergent_barrier", new LaunchConfig(1, 64), ref args));
        Assert.Equal(CudaResult.ErrorLaunchFailed, e.Result);
        Assert.Contains("__syncthreads not reached by every thread", e.Message, StringComparison.Ordinal);
        Assert.Contains("thread (1,0,0) has exited", e.Message, StringComparison.Ordinal);
    }

    [NeedsFact(Needs.Emulation)]
    public void A_write_past_the_launchs_dynamic_shared_memory_is_reported_and_an_exact_fit_is_not()
    {
        const int Threads = 64;
        nint output = _gpu.Allocate(2 * Threads * sizeof(float));
        var args = new KernelArguments();
        args.Add(output);
        _gpu.Launcher.Launch("test_dynamic_shared_fill", new LaunchConfig(2, Threads, Threads * sizeof(float)), ref args);
        var read = _gpu.Download<float>(output, Threads);
        Assert.Equal(Enumerable.Range(0, Threads).Reverse().Select(i => (float)i), read);

        var e = Assert.Throws<CudaException>(() => _gpu.Launcher.Launch("test_dynamic_shared_fill", new LaunchConfig(2, Threads, (Threads - 8) * sizeof(float)), ref args));
        Assert.Equal(CudaResult.ErrorLaunchFailed, e.Result);
        Assert.Contains("wrote past its 224 bytes of dynamic shared memory", e.Message, StringComparison.Ordinal);
    }

    [NeedsFact(Needs.Emulation)]
    public void Unknown_kernels_and_impossible_shapes_are_cuda_errors()
    {
        var args = new KernelArguments();
        var missing = Assert.Throws<CudaException>(() => _gpu.Launcher.Launch("no_such_kernel", new LaunchConfig(1, 32), ref args));
        Assert.Equal(CudaResult.ErrorNotFound, missing.Result);
        var tooWide = Assert.Throws<CudaException>(() => _gpu.Launcher.Launch("test_atomic_count", new LaunchConfig(1, 2048), ref args));
        Assert.Equal(CudaResult.ErrorInvalidValue, tooWide.Result);
        Assert.Equal("CUDA_ERROR_INVALID_VALUE", tooWide.ErrorName);
    }

    public void Dispose() => _gpu?.Dispose();
}
