using System.Runtime.CompilerServices;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Models.Quantization;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>How KV-cache (and LoRA slot) elements are stored: attention and KV write are generic over it, so each storage type gets its own compiled kernel.</summary>
public unsafe interface IKvElements
{
    /// <summary>One vector of consecutive elements starting at <paramref name="index"/>, as floats.</summary>
    static abstract TV Load<TS, TV>(void* data, long index) where TS : struct, ISimd<TV> where TV : struct;

    /// <summary>One element as a float.</summary>
    static abstract float Load1(void* data, long index);

    /// <summary>Stores one float, converted to the storage type.</summary>
    static abstract void Store(void* data, long index, float value);
}

/// <summary>fp32 KV elements.</summary>
public readonly unsafe struct F32Kv : IKvElements
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TS, TV>(void* data, long index) where TS : struct, ISimd<TV> where TV : struct => TS.Load((float*)data + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(void* data, long index) => ((float*)data)[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(void* data, long index, float value) => ((float*)data)[index] = value;
}

/// <summary>
/// bf16 KV elements: half the bytes of fp32, which is what batched decode attention is bound by, and widening to
/// fp32 is a shift (no conversion instructions needed, unlike fp16). Rounded to nearest even when written.
/// </summary>
public readonly unsafe struct BF16Kv : IKvElements
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TS, TV>(void* data, long index) where TS : struct, ISimd<TV> where TV : struct => TS.LoadBFloat16((ushort*)data + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(void* data, long index) => BFloat16.ToSingle(((ushort*)data)[index]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(void* data, long index, float value) => ((ushort*)data)[index] = BFloat16.FromSingle(value);
}
