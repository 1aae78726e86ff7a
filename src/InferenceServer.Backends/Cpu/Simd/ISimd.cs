using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>
/// The float operations of one SIMD width over its vector type <typeparamref name="TV"/>. Kernels are generic over
/// an implementation (a struct) and its vector type, so the JIT compiles a separate, fully inlined copy of every
/// kernel for each path; an implementation uses only instructions its <see cref="CpuIsa"/> checked for.
/// </summary>
public unsafe interface ISimd<TV> where TV : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Width { get; }

    static abstract TV Load(float* p);
    static abstract void Store(TV v, float* p);
    static abstract TV Create(float x);
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);

    /// <summary>a·b + c, fused where the path has FMA.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    static abstract TV Min(TV a, TV b);
    static abstract TV Max(TV a, TV b);
    static abstract TV Abs(TV a);

    /// <summary>Round to nearest, ties to even.</summary>
    static abstract TV Round(TV a);

    /// <summary>2^n for lanes holding small integral values (the exponent step of exp).</summary>
    static abstract TV Pow2(TV n);

    static abstract float Sum(TV v);
    static abstract float MaxAcross(TV v);

    /// <summary>The horizontal sums of four vectors, as [Σa, Σb, Σc, Σd].</summary>
    static abstract Vector128<float> Sum4(TV a, TV b, TV c, TV d);

    /// <summary><see cref="Width"/> bf16 values from <paramref name="p"/>, widened to float (exact).</summary>
    static abstract TV LoadBFloat16(ushort* p);

    /// <summary><see cref="Width"/> fp16 values from <paramref name="p"/>, widened to float (exact for normal and subnormal values).</summary>
    static abstract TV LoadHalf(ushort* p);

    /// <summary>2·<see cref="Width"/> fp16 values from <paramref name="p"/>, widened to float as <see cref="LoadHalf"/> does, faster where none is a zero or subnormal.</summary>
    static abstract void LoadHalves(ushort* p, out TV a, out TV b);

    /// <summary><see cref="Width"/> int8 values from <paramref name="p"/>, as floats.</summary>
    static abstract TV LoadSByte(sbyte* p);

    /// <summary>Rounds (ties to even) and stores <see cref="Width"/> values in [-127, 127] as int8.</summary>
    static abstract void StoreRoundedSByte(TV v, sbyte* p);

    /// <summary>A hint to bring the cache line at <paramref name="p"/> into L1 (nothing where the path has no prefetch).</summary>
    static abstract void Prefetch(void* p);
}
