using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>
/// 4 floats per vector through the runtime's portable <c>Vector128</c> operations, which it maps to AdvSIMD on
/// ARM64 and SSE on x86 (or emulates): the NEON path's float kernels and the portable path everywhere else.
/// </summary>
public readonly unsafe struct Simd128 : ISimd<Vector128<float>>
{
    public static int Width => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Create(float x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    // Fused where the CPU has it (ARM64 always), a multiply and an add elsewhere.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Abs(Vector128<float> a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Round(Vector128<float> a) => Vector128.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pow2(Vector128<float> n) => Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Vector128.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector128<float> v) => MathF.Max(MathF.Max(v.GetElement(0), v.GetElement(1)), MathF.Max(v.GetElement(2), v.GetElement(3)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
        => Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadBFloat16(ushort* p) => Vector128.ShiftLeft(Widen(p), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadHalf(ushort* p)
    {
        var t = Vector128.ShiftLeft(Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsInt16()), 13);
        var magnitude = t & Vector128.Create(HalfFloatBits.MagnitudeMask);
        var zeroExponent = Vector128.LessThan(magnitude, Vector128.Create(HalfFloatBits.ExponentStep));
        var f = (magnitude + Vector128.Create(HalfFloatBits.ExponentRebias) + (zeroExponent & Vector128.Create(HalfFloatBits.ExponentStep))).AsSingle()
            - (zeroExponent & Vector128.Create(HalfFloatBits.SubnormalBias)).AsSingle();
        return (f.AsInt32() | (t & Vector128.Create(HalfFloatBits.SignMask))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadHalves(ushort* p, out Vector128<float> a, out Vector128<float> b)
    {
        // One test for all 8 halves; zeros and subnormals are a few percent of real weights' chunks.
        var halves = Vector128.Load(p);
        if (Vector128.EqualsAny(halves & Vector128.Create(HalfFloatBits.HalfExponentMask), Vector128<ushort>.Zero))
        {
            a = LoadHalf(p);
            b = LoadHalf(p + 4);
            return;
        }
        var (low, high) = Vector128.Widen(halves.AsInt16());
        a = ((Vector128.ShiftLeft(low, 13) & Vector128.Create(HalfFloatBits.Mask)) + Vector128.Create(HalfFloatBits.ExponentRebias)).AsSingle();
        b = ((Vector128.ShiftLeft(high, 13) & Vector128.Create(HalfFloatBits.Mask)) + Vector128.Create(HalfFloatBits.ExponentRebias)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadSByte(sbyte* p)
    {
        var bytes = Vector128.CreateScalarUnsafe(*(int*)p).AsSByte();
        return Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(bytes)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRoundedSByte(Vector128<float> v, sbyte* p)
    {
        var i = Vector128.ConvertToInt32(Vector128.Round(v));
        var s = Vector128.Narrow(i, i);
        *(int*)p = Vector128.Narrow(s, s).AsInt32().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Prefetch(void* p)
    {
        if (Sse.IsSupported) Sse.Prefetch0(p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Widen(ushort* p) => Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsUInt16());
}
