using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>
/// Which <see cref="CpuIsa"/> paths this process may run, from what the runtime reports (so its own switches, such
/// as <c>DOTNET_EnableAVX512=0</c> or <c>DOTNET_PreferredVectorBitWidth=256</c>, move the choice down).
/// </summary>
public static class CpuIsaSupport
{
    /// <summary>Every path that can run here, fastest first (tests run the kernels on each).</summary>
    public static IReadOnlyList<CpuIsa> Supported { get; } = Enum.GetValues<CpuIsa>().Where(IsSupported).OrderDescending().ToArray();

    /// <summary>The fastest path the runtime supports here; the backend's default.</summary>
    public static CpuIsa Best => Supported[0];

    public static bool IsSupported(CpuIsa isa) => isa switch
    {
        // The runtime turns Vector512 acceleration off where 512-bit code would throttle the CPU; follow it.
        CpuIsa.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512F.VL.IsSupported && Avx512BW.IsSupported
                         && Avx512DQ.IsSupported && Avx2.IsSupported && Fma.IsSupported,
        CpuIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        CpuIsa.Neon => AdvSimd.Arm64.IsSupported,
        CpuIsa.Portable => true,
        _ => false,
    };

    /// <summary>Whether int8 dot products run as one instruction: AVX-VNNI on x86, the dot-product extension on ARM64.</summary>
    public static bool HasInt8DotInstruction(CpuIsa isa) => isa switch
    {
        CpuIsa.Avx512 or CpuIsa.Avx2 => AvxVnni.IsSupported,
        CpuIsa.Neon => Dp.IsSupported,
        _ => false,
    };

    /// <summary>The instructions a path uses, as startup lines and metrics show them (e.g. <c>avx2+fma</c>).</summary>
    public static string Describe(CpuIsa isa)
    {
        string dot = HasInt8DotInstruction(isa) ? isa == CpuIsa.Neon ? "+dotprod" : "+avxvnni" : "";
        return isa switch
        {
            CpuIsa.Avx512 => "avx512f+bw+vl+dq+fma" + dot,
            CpuIsa.Avx2 => "avx2+fma" + dot,
            CpuIsa.Neon => "neon" + dot,
            _ => "portable (vector128)",
        };
    }

    /// <summary>Parses a path's name (<c>avx512</c>, <c>avx2</c>, <c>neon</c>, <c>portable</c>), case-insensitively.</summary>
    public static bool TryParse(string? name, out CpuIsa isa) => Enum.TryParse(name, ignoreCase: true, out isa) && Enum.IsDefined(isa);
}
