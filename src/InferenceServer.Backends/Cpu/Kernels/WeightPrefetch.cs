using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Software prefetch for GEMV row loops that decode their weights (fp16/bf16 widening, Q8_0 dots): their work per
/// cache line leaves the out-of-order window too few lines ahead for the hardware prefetchers to keep DRAM busy.
/// On 2 cores of a Sapphire Rapids Xeon, 2 KiB ahead took F16 GEMV from DRAM from 21 to 28 GB/s and the Q8_0 int8
/// GEMV from 24-28 to 30-31 GB/s; F32 rows, with little work per line, went down, so they do not prefetch.
/// Nothing on ARM64, whose .NET intrinsics have no prefetch.
/// </summary>
internal static unsafe class WeightPrefetch
{
    public const int Distance = 2048;

    /// <summary>Brings the line <see cref="Distance"/> bytes past <paramref name="p"/> towards L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead(byte* p)
    {
        if (Sse.IsSupported) Sse.Prefetch0(p + Distance);
    }
}
