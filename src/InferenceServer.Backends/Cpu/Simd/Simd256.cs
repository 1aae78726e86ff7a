using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>AVX2 + FMA: 8 floats per vector. Used only when <see cref="CpuIsaSupport"/> found AVX2 and FMA.</summary>
public readonly unsafe struct Simd256 : ISimd<Vector256<float>>
{
    public static int Width => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Create(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma.MultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Round(Vector256<float> a) => Avx.RoundToNearestInteger(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2(Vector256<float> n) => Vector256.ShiftLeft(Avx.ConvertToVector256Int32(n) + Vector256.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector256<float> v) => Simd128.MaxAcross(Vector128.Max(v.GetLower(), v.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        var h = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
        return h.GetLower() + h.GetUpper();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadBFloat16(ushort* p) => Vector256.ShiftLeft(Avx2.ConvertToVector256Int32(p), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadHalf(ushort* p)
    {
        var t = ShiftedHalf(p);
        var magnitude = t & Vector256.Create(HalfFloatBits.MagnitudeMask);
        var zeroExponent = Vector256.LessThan(magnitude, Vector256.Create(HalfFloatBits.ExponentStep));
        var f = (magnitude + Vector256.Create(HalfFloatBits.ExponentRebias) + (zeroExponent & Vector256.Create(HalfFloatBits.ExponentStep))).AsSingle()
            - (zeroExponent & Vector256.Create(HalfFloatBits.SubnormalBias)).AsSingle();
        return (f.AsInt32() | (t & Vector256.Create(HalfFloatBits.SignMask))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadHalves(ushort* p, out Vector256<float> a, out Vector256<float> b)
    {
        // One test for all 16 halves; zeros and subnormals are a few percent of real weights' chunks.
        if (Vector256.EqualsAny(Vector256.Load(p) & Vector256.Create(HalfFloatBits.HalfExponentMask), Vector256<ushort>.Zero))
        {
            a = LoadHalf(p);
            b = LoadHalf(p + 8);
            return;
        }
        a = ((ShiftedHalf(p) & Vector256.Create(HalfFloatBits.Mask)) + Vector256.Create(HalfFloatBits.ExponentRebias)).AsSingle();
        b = ((ShiftedHalf(p + 8) & Vector256.Create(HalfFloatBits.Mask)) + Vector256.Create(HalfFloatBits.ExponentRebias)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ShiftedHalf(ushort* p) => Vector256.ShiftLeft(Avx2.ConvertToVector256Int32((short*)p), 13);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadSByte(sbyte* p) => Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRoundedSByte(Vector256<float> v, sbyte* p)
    {
        var i = Avx.ConvertToVector256Int32(v); // rounds to nearest even under the default MXCSR mode
        var s = Sse2.PackSignedSaturate(i.GetLower(), i.GetUpper());
        *(long*)p = Sse2.PackSignedSaturate(s, s).AsInt64().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Prefetch(void* p) => Sse.Prefetch0(p);
}
