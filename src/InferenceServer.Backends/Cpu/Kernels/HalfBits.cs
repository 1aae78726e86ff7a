using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Scalar fp16 to fp32 for Q8_0 block scales, one per 32 weights on the decode path, by table lookup as ggml does
/// where it has no F16C (.NET exposes none): the bit tricks of the vector paths take ~10 scalar instructions, the
/// table one load, and a row's scales fall in a narrow range, so the entries they touch stay in L1.
/// </summary>
public static unsafe class HalfBits
{
    private static readonly float* Table = Build();

    /// <summary>fp16 bits to float, exact for every value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HalfToFloat(ushort h) => Table[h];

    private static float* Build()
    {
        // 256 KiB for the life of the process, like ggml's ggml_table_f32_f16.
        float* table = (float*)NativeMemory.AlignedAlloc(65536 * sizeof(float), 64);
        for (int h = 0; h < 65536; h++) table[h] = (float)BitConverter.UInt16BitsToHalf((ushort)h);
        return table;
    }
}
