using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.IsaLevels.Tests;

/// <summary>
/// A lower x86 ISA level, reached by switching instructions off through the runtime's own settings: the CPU
/// kernels then pick <see cref="Path"/>, as they would on a CPU that lacks what is switched off.
/// </summary>
public sealed record IsaLevel(string Name, CpuIsa Path, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// AVX2 without AVX-512 or AVX-VNNI (an AMD Zen 3, or Zen 4 whose VNNI .NET does not expose), and SSE-only
    /// x86-64 (the portable path). .NET 10's switch is DOTNET_EnableAVX512; the older DOTNET_EnableAVX512F no longer acts.
    /// </summary>
    public static readonly IsaLevel[] All =
    [
        new("avx2", CpuIsa.Avx2, new Dictionary<string, string> { ["DOTNET_EnableAVX512"] = "0", ["DOTNET_EnableAVXVNNI"] = "0" }),
        new("portable", CpuIsa.Portable, new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" }),
    ];

    /// <summary>Levels that lower this machine's path (none on ARM64, where there is no such switch to make).</summary>
    public static IEnumerable<IsaLevel> BelowThisMachine => All.Where(l => CpuIsaSupport.Best is CpuIsa.Avx512 or CpuIsa.Avx2 && l.Path < CpuIsaSupport.Best);

    public override string ToString() => Name;
}
