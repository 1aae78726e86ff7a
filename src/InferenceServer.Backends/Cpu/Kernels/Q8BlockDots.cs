using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// The int8 dot product of one 32-value Q8_0 weight block with 32 quantized activations, for one ISA.
/// <typeparamref name="TW"/> is a block's weights made ready once (they are used for up to four tokens) and
/// <typeparamref name="TAcc"/> a vector of partial float sums.
/// </summary>
public unsafe interface IQ8BlockDot<TW, TAcc> where TW : struct where TAcc : struct
{
    static abstract TW LoadWeights(sbyte* q);

    /// <summary>acc + (the lanes of Σ w·x) · scale.</summary>
    static abstract TAcc MultiplyAdd(TW w, sbyte* x, float scale, TAcc acc);

    static abstract TAcc Add(TAcc a, TAcc b);
    static abstract float Sum(TAcc acc);
}

/// <summary>x86 weights of one block: the values and their magnitudes (vpmaddubsw multiplies unsigned by signed).</summary>
public readonly record struct X86Q8Weights(Vector256<sbyte> Values, Vector256<byte> Magnitudes);

/// <summary>
/// AVX2 (both x86 paths): |w| · sign(x, w) with vpmaddubsw then vpmaddwd as llama.cpp does on AVX2, or one AVX-VNNI
/// vpdpbusd where the CPU has it. |w| ≤ 128 and |x| ≤ 127, so the int16 pair sums (≤ 32,512) never saturate.
/// </summary>
public readonly unsafe struct X86Q8Dot : IQ8BlockDot<X86Q8Weights, Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static X86Q8Weights LoadWeights(sbyte* q)
    {
        var w = Vector256.Load(q);
        return new X86Q8Weights(w, Avx2.Abs(w));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(X86Q8Weights w, sbyte* x, float scale, Vector256<float> acc)
    {
        var dot = Dot(w.Magnitudes, Avx2.Sign(Vector256.Load(x), w.Values));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(dot), Vector256.Create(scale), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> acc) => Vector256.Sum(acc);

    /// <summary>Lanes of Σ u·s over groups of four bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Dot(Vector256<byte> unsignedValues, Vector256<sbyte> signedValues)
    {
        if (AvxVnni.IsSupported) return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, unsignedValues, signedValues);
        var pairs = Avx2.MultiplyAddAdjacent(unsignedValues, signedValues);
        return Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }
}

/// <summary>ARM64 weights of one block, as two 16-byte halves.</summary>
public readonly record struct NeonQ8Weights(Vector128<sbyte> Low, Vector128<sbyte> High);

/// <summary>ARM64 with the dot-product extension: two sdot instructions per block (signed × signed, no offset needed).</summary>
public readonly unsafe struct NeonQ8Dot : IQ8BlockDot<NeonQ8Weights, Vector128<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static NeonQ8Weights LoadWeights(sbyte* q) => new(Vector128.Load(q), Vector128.Load(q + 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(NeonQ8Weights w, sbyte* x, float scale, Vector128<float> acc)
    {
        var dot = Dp.DotProduct(Dp.DotProduct(Vector128<int>.Zero, w.Low, Vector128.Load(x)), w.High, Vector128.Load(x + 16));
        return AdvSimd.FusedMultiplyAdd(acc, AdvSimd.ConvertToSingle(dot), Vector128.Create(scale));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> acc) => Vector128.Sum(acc);
}
