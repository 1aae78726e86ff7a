using System.Diagnostics;
using InferenceServer.TestSupport;
using Xunit.Abstractions;

namespace InferenceServer.IsaLevels.Tests;

/// <summary>
/// The linux-arm64 build under qemu-user (scripts/arm64-check.sh): `generate` prints x64's text, and the backend
/// kernel tests pass on the NEON and portable paths, on a CPU with the dot-product extension (qemu's "max") and on a
/// plain ARMv8.0 one (cortex-a53, which takes the float Q8_0 fallback).
/// </summary>
public sealed class Arm64QemuTests(ITestOutputHelper output)
{
    [Arm64QemuFact]
    public async Task The_arm64_build_generates_x64s_text_and_passes_the_kernel_tests_under_qemu()
    {
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add(Path.Combine(SharedModels.RepositoryRoot, "scripts", "arm64-check.sh"));
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(start);
        string summary = stdout[Math.Max(0, stdout.LastIndexOf("=== summary", StringComparison.Ordinal))..];
        output.WriteLine(summary);
        Assert.True(exitCode == 0, $"arm64-check.sh exited {exitCode}:\n{stdout[^Math.Min(stdout.Length, 6000)..]}\n{stderr}");
        Assert.Contains("arm64 generate [max]: MATCHES x64", summary, StringComparison.Ordinal);
        Assert.Contains("arm64 generate [cortex-a53]: MATCHES x64", summary, StringComparison.Ordinal);
        Assert.Contains("ARM64 CHECK PASSED", summary, StringComparison.Ordinal);
    }
}
