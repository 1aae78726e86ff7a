using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// The int8 dot product <see cref="GemmQ8_0Work{TDot}"/> takes per 4-byte group: packed activations of 8 tokens
/// (one token per 32-bit lane) against 4 weights broadcast to every lane.
/// </summary>
public interface IQ8TileDot
{
    /// <summary>Whether activations are packed as unsigned x + 128, with a -128·Σw correction per block.</summary>
    static abstract bool Offset { get; }

    /// <summary>acc + per lane Σ x·w over its 4 bytes.</summary>
    static abstract Vector256<int> Dot(Vector256<int> acc, Vector256<byte> x, X86Q8Weights w);
}

/// <summary>AVX-VNNI: one vpdpbusd (unsigned × signed), so activations are offset.</summary>
public readonly struct VnniTileDot : IQ8TileDot
{
    public static bool Offset => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Dot(Vector256<int> acc, Vector256<byte> x, X86Q8Weights w) => AvxVnni.MultiplyWideningAndAdd(acc, x, w.Values);
}

/// <summary>
/// AVX2: |w| · sign(x, w) with vpmaddubsw, then vpmaddwd against ones, on signed activations (llama.cpp's AVX2
/// approach). |w| ≤ 128 and |x| ≤ 127 keep the int16 pair sums below saturation.
/// </summary>
public readonly struct Avx2TileDot : IQ8TileDot
{
    public static bool Offset => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Dot(Vector256<int> acc, Vector256<byte> x, X86Q8Weights w)
    {
        var pairs = Avx2.MultiplyAddAdjacent(w.Magnitudes, Avx2.Sign(x.AsSByte(), w.Values));
        return acc + Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }
}
