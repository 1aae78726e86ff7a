using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>AVX-512 (F/BW/VL/DQ): 16 floats per vector. Used only when <see cref="CpuIsaSupport"/> found AVX-512.</summary>
public readonly unsafe struct Simd512 : ISimd<Vector512<float>>
{
    public static int Width => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Create(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Round(Vector512<float> a) => Vector512.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pow2(Vector512<float> n) => Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> v) => Vector512.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector512<float> v) => Simd256.MaxAcross(Vector256.Max(v.GetLower(), v.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
        => Simd256.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadBFloat16(ushort* p) => Vector512.ShiftLeft(Widen(p), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadHalf(ushort* p)
    {
        var t = ShiftedHalf(p);
        var magnitude = t & Vector512.Create(HalfFloatBits.MagnitudeMask);
        var zeroExponent = Vector512.LessThan(magnitude, Vector512.Create(HalfFloatBits.ExponentStep));
        var f = (magnitude + Vector512.Create(HalfFloatBits.ExponentRebias) + (zeroExponent & Vector512.Create(HalfFloatBits.ExponentStep))).AsSingle()
            - (zeroExponent & Vector512.Create(HalfFloatBits.SubnormalBias)).AsSingle();
        return (f.AsInt32() | (t & Vector512.Create(HalfFloatBits.SignMask))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadHalves(ushort* p, out Vector512<float> a, out Vector512<float> b)
    {
        // One test for all 32 halves; zeros and subnormals are a few percent of real weights' chunks.
        if (Vector512.EqualsAny(Vector512.Load(p) & Vector512.Create(HalfFloatBits.HalfExponentMask), Vector512<ushort>.Zero))
        {
            a = LoadHalf(p);
            b = LoadHalf(p + 16);
            return;
        }
        a = ((ShiftedHalf(p) & Vector512.Create(HalfFloatBits.Mask)) + Vector512.Create(HalfFloatBits.ExponentRebias)).AsSingle();
        b = ((ShiftedHalf(p + 16) & Vector512.Create(HalfFloatBits.Mask)) + Vector512.Create(HalfFloatBits.ExponentRebias)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> ShiftedHalf(ushort* p) => Vector512.ShiftLeft(Avx512F.ConvertToVector512Int32(Vector256.Load((short*)p)), 13);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadSByte(sbyte* p) => Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(Vector128.Load(p)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRoundedSByte(Vector512<float> v, sbyte* p) => Avx512F.ConvertToVector128SByte(Vector512.ConvertToInt32(Vector512.Round(v))).Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Prefetch(void* p) => Sse.Prefetch0(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Widen(ushort* p) => Avx512F.ConvertToVector512UInt32(Vector256.Load(p));
}
