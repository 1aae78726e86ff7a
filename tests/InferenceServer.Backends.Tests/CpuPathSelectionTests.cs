using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Tests;

/// <summary>The backend runs the path the runtime reports, and refuses one the CPU cannot run.</summary>
public sealed class CpuPathSelectionTests
{
    /// <summary>Set by the ISA-level runs (InferenceServer.IsaLevels.Tests) to the path their runtime switches leave.</summary>
    public const string ExpectedPathVariable = "INFERENCE_SERVER_EXPECT_CPU_PATH";

    [Fact]
    public void The_default_path_is_the_fastest_one_the_runtime_reports()
    {
        // What the runtime says about this process (its DOTNET_Enable* switches included), read directly.
        CpuIsa reported = Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && Avx512DQ.IsSupported ? CpuIsa.Avx512
            : Avx2.IsSupported && Fma.IsSupported ? CpuIsa.Avx2
            : AdvSimd.Arm64.IsSupported ? CpuIsa.Neon
            : CpuIsa.Portable;
        Assert.Equal(reported, CpuIsaSupport.Best);
        using var backend = new CpuBackend(threads: 1);
        Assert.Equal(reported, backend.Isa);
        Assert.Equal($"cpu: {CpuIsaSupport.Describe(reported)}, 1 threads", backend.Description);
        if (Environment.GetEnvironmentVariable(ExpectedPathVariable) is { Length: > 0 } expected)
            Assert.Equal(expected, backend.Isa.ToString().ToLowerInvariant());
    }

    [Fact]
    public void Every_supported_path_is_listed_fastest_first_and_ends_with_the_portable_one()
    {
        var supported = CpuIsaSupport.Supported;
        Assert.Equal(CpuIsaSupport.Best, supported[0]);
        Assert.Equal(CpuIsa.Portable, supported[^1]);
        Assert.Equal(supported.OrderDescending(), supported);
    }

    [Fact]
    public void A_path_the_cpu_cannot_run_is_refused_with_the_supported_ones()
    {
        // x86 cannot run NEON and ARM64 cannot run AVX2: one of the two is always foreign.
        var foreign = AdvSimd.Arm64.IsSupported ? CpuIsa.Avx2 : CpuIsa.Neon;
        var e = Assert.Throws<PlatformNotSupportedException>(() => new CpuBackend(threads: 1, foreign));
        Assert.Contains($"CPU path '{foreign.ToString().ToLowerInvariant()}' is not supported here", e.Message, StringComparison.Ordinal);
        Assert.Contains("portable", e.Message, StringComparison.Ordinal);
    }
}
