using System.Runtime.Intrinsics;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>Converts whole weight rows between storage types and float32, in natural element order.</summary>
public static unsafe class WeightRowCodec
{
    /// <summary>Decodes <paramref name="cols"/> values of a row stored as <paramref name="dtype"/>.</summary>
    public static void ToFloat(TensorDType dtype, byte* row, float* dst, int cols)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                Buffer.MemoryCopy(row, dst, (long)cols * 4, (long)cols * 4);
                break;
            case TensorDType.F16:
                for (int i = 0; i < cols; i++) dst[i] = HalfBits.HalfToFloat(((ushort*)row)[i]);
                break;
            case TensorDType.BF16:
                for (int i = 0; i < cols; i++) dst[i] = HalfBits.BFloat16ToFloat(((ushort*)row)[i]);
                break;
            case TensorDType.Q8_0:
                for (int c = 0; c < cols / 32; c++)
                {
                    Q8_0RowLoader.Load(row, c, out var a, out var b);
                    a.Store(dst + c * 32);
                    b.Store(dst + c * 32 + 16);
                }
                break;
            default:
                throw new NotSupportedException($"dtype {dtype}");
        }
    }

    /// <summary>Encodes a float row as <paramref name="dtype"/> (Q8_0 exactly as ggml's reference quantizer).</summary>
    public static void FromFloat(TensorDType dtype, float* src, byte* row, int cols)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                Buffer.MemoryCopy(src, row, (long)cols * 4, (long)cols * 4);
                break;
            case TensorDType.F16:
                for (int i = 0; i < cols; i++) ((Half*)row)[i] = (Half)src[i];
                break;
            case TensorDType.BF16:
                for (int i = 0; i < cols; i++) ((ushort*)row)[i] = HalfBits.FloatToBFloat16(src[i]);
                break;
            case TensorDType.Q8_0:
                for (int c = 0; c < cols / 32; c++) QuantizeBlockQ8_0(src + c * 32, row + c * 34);
                break;
            default:
                throw new NotSupportedException($"dtype {dtype}");
        }
    }

    private static void QuantizeBlockQ8_0(float* x, byte* block)
    {
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = Math.Max(amax, Math.Abs(x[i]));
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        *(Half*)block = (Half)d;
        sbyte* q = (sbyte*)(block + 2);
        for (int i = 0; i < 32; i++) q[i] = (sbyte)MathF.Round(x[i] * id, MidpointRounding.AwayFromZero);
    }
}
