using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.TestSupport;

namespace InferenceServer.Cli.Tests;

/// <summary>`generate --device`: the CUDA path (on the kernel emulation here), auto's fallback and the errors.</summary>
public sealed class GenerateDeviceTests
{
    private static (int ExitCode, string Stdout, string Stderr) Generate(string device) =>
        CliRunner.Run("generate", "-m", "models/tinystories-656k/1.json", "-p", "Once upon a time", "-n", "16", "--temperature", "0", "--device", device);

    [NeedsKernelEmulationFact]
    public void The_cuda_backend_on_the_kernel_emulation_writes_the_cpu_backends_greedy_text()
    {
        var cpu = Generate("cpu");
        var cuda = Generate("cuda-emulation");
        Assert.Equal(0, cpu.ExitCode);
        Assert.Equal(0, cuda.ExitCode);
        Assert.Equal(cpu.Stdout, cuda.Stdout);
        Assert.Contains("device cuda-emulation", cuda.Stderr, StringComparison.Ordinal);
        // The startup line names the kernel path the runtime's ISA support picks (e.g. "device cpu: avx2+fma, 2 threads").
        Assert.Contains($"device cpu: {CpuIsaSupport.Describe(CpuIsaSupport.Best)}, ", cpu.Stderr, StringComparison.Ordinal);
    }

    [NoGpuFact]
    public void Auto_without_a_gpu_runs_on_the_cpu_and_says_why()
    {
        var (code, stdout, stderr) = Generate("auto");
        Assert.Equal(0, code);
        Assert.StartsWith("Once upon a time", stdout, StringComparison.Ordinal);
        Assert.Contains("device auto: CUDA not used (no usable CUDA GPU: ", stderr, StringComparison.Ordinal);
        Assert.Contains($"running on the cpu: {CpuIsaSupport.Describe(CpuIsaSupport.Best)}, ", stderr, StringComparison.Ordinal);
    }

    [NoGpuFact]
    public void Cuda_without_a_gpu_fails_with_the_reason_and_exit_code_1()
    {
        var (code, _, stderr) = Generate("cuda");
        Assert.Equal(1, code);
        // With the driver library installed (CI) the reason is the driver's own error name.
        Assert.StartsWith("error: no usable CUDA GPU: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_device_is_rejected_with_the_choices()
    {
        var (code, _, stderr) = Generate("tpu");
        Assert.Equal(1, code);
        Assert.Contains("unknown device 'tpu': use cpu, cuda, auto or cuda-emulation", stderr, StringComparison.Ordinal);
    }
}
