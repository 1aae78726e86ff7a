using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Emulation;

/// <summary>
/// The emulation built with ThreadSanitizer (each CUDA thread a TSan fiber, barriers as release/acquire): a subset of
/// kernels runs clean, and a kernel with its needed __syncthreads removed is reported as a race at the kernel's line.
/// </summary>
[Trait("Category", "CudaEmulation")]
public sealed class ThreadSanitizerTests : IClassFixture<ThreadSanitizerTests.Build>
{
    private readonly Build _build;

    public ThreadSanitizerTests(Build build)
    {
        _build = build;
    }

    [NeedsFact(Needs.Emulation)]
    public void Kernels_with_correct_barriers_and_warp_ops_run_without_a_race_report()
    {
        foreach (var kernel in new[]
                 {
                     "test_block_reverse", "test_rounds", "test_warp_ops", "rms_norm_f32", "paged_attention_prefill_f32_f32",
                     "paged_attention_decode_split_f32_f32", "sample_f32", "sgmv_expand_f32",
                 })
        {
            var (exit, output) = _build.Run(kernel);
            Assert.DoesNotContain("ThreadSanitizer", output, StringComparison.Ordinal);
            Assert.True(exit == 0, output);
        }
    }

    [NeedsFact(Needs.Emulation)]
    public void Removing_a_needed_barrier_is_caught_as_a_data_race_in_the_kernel()
    {
        var (exit, output) = _build.Run("test_block_reverse_no_barrier");
        Assert.NotEqual(0, exit);
        Assert.Contains("WARNING: ThreadSanitizer: data race", output, StringComparison.Ordinal);
        Assert.Contains("emulation_probe_kernels.cu", output, StringComparison.Ordinal);
        Assert.Contains("in test_block_reverse_no_barrier", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A barrier missing between one round's reads and the next round's writes: caught because each barrier
    /// generation has its own sync object, so a fiber resuming from a barrier does not also acquire what faster
    /// fibers released at the next one.
    /// </summary>
    [NeedsFact(Needs.Emulation)]
    public void A_missing_barrier_between_loop_iterations_is_caught_as_a_write_after_read_race()
    {
        var (exit, output) = _build.Run("test_rounds_no_trailing_barrier");
        Assert.NotEqual(0, exit);
        Assert.Contains("WARNING: ThreadSanitizer: data race", output, StringComparison.Ordinal);
        Assert.Contains("in test_rounds_no_trailing_barrier", output, StringComparison.Ordinal);
    }

    /// <summary>Builds the TSan library and launcher once for the class (about 15 s on 2 cores).</summary>
    public sealed class Build : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("kernels-tsan").FullName;
        private readonly Lazy<string> _launcher;

        public Build()
        {
            _launcher = new Lazy<string>(() =>
            {
                string script = Path.Combine(Support.Toolchain.RepoRoot(), "scripts", "build-kernels.sh");
                var (exit, output) = Support.Toolchain.Run("bash", script, "tsan", _dir);
                Assert.True(exit == 0, output);
                string skipped = Path.Combine(_dir, "tsan.skipped");
                Assert.False(File.Exists(skipped), File.Exists(skipped) ? File.ReadAllText(skipped) : "");
                return Path.Combine(_dir, "tsan_launch");
            });
        }

        public (int ExitCode, string Output) Run(string kernel) => Support.Toolchain.Run(_launcher.Value, kernel);

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
