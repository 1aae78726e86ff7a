using System.Runtime.InteropServices;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Backends.Tests;

/// <summary>
/// Random weights encoded in each storage type, with their exact float values decoded independently of the
/// backend (System.Half, bf16 bit shift, Q8_0 bytes), so tests compare kernels with a plain reference.
/// </summary>
internal sealed unsafe class TestWeights : IDisposable
{
    private readonly List<nint> _memory = [];

    public WeightTensor Make(string name, TensorDType dtype, int rows, int cols, Random rng, out double[] exact, float scale = 0.5f)
    {
        long rowBytes = dtype.RowBytes(cols);
        byte* data = (byte*)NativeMemory.AlignedAlloc((nuint)(rowBytes * rows), 64);
        _memory.Add((nint)data);
        exact = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            byte* row = data + r * rowBytes;
            for (int c = 0; c < cols; c++)
            {
                float v = (float)((rng.NextDouble() * 2 - 1) * scale);
                switch (dtype)
                {
                    case TensorDType.F32: ((float*)row)[c] = v; exact[r * cols + c] = v; break;
                    case TensorDType.F16: ((Half*)row)[c] = (Half)v; exact[r * cols + c] = (double)((Half*)row)[c]; break;
                    case TensorDType.BF16:
                        ushort b = (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16);
                        ((ushort*)row)[c] = b;
                        exact[r * cols + c] = BitConverter.UInt32BitsToSingle((uint)b << 16);
                        break;
                }
            }
            if (dtype == TensorDType.Q8_0)
            {
                for (int blk = 0; blk < cols / 32; blk++)
                {
                    byte* block = row + blk * 34;
                    var d = (Half)(float)(rng.NextDouble() * 0.01 + 0.001);
                    *(Half*)block = d;
                    for (int i = 0; i < 32; i++)
                    {
                        sbyte q = (sbyte)rng.Next(-127, 128);
                        ((sbyte*)(block + 2))[i] = q;
                        exact[r * cols + blk * 32 + i] = q * (double)d;
                    }
                }
            }
        }
        long[] shape = rows == 1 && name.EndsWith("vector", StringComparison.Ordinal) ? [cols] : [rows, cols];
        return new WeightTensor(name, dtype, shape, data, rowBytes * rows);
    }

    /// <summary>An fp16 matrix holding exactly <paramref name="bits"/>, row-major.</summary>
    public WeightTensor Halves(string name, ushort[] bits, int rows, int cols)
    {
        byte* data = (byte*)NativeMemory.AlignedAlloc((nuint)(bits.Length * 2), 64);
        _memory.Add((nint)data);
        bits.CopyTo(new Span<ushort>(data, bits.Length));
        return new WeightTensor(name, TensorDType.F16, [rows, cols], data, bits.Length * 2L);
    }

    public WeightTensor Vector(string name, float[] values)
    {
        float* data = (float*)NativeMemory.AlignedAlloc((nuint)(values.Length * 4), 64);
        _memory.Add((nint)data);
        values.CopyTo(new Span<float>(data, values.Length));
        return new WeightTensor(name, TensorDType.F32, [values.Length], (byte*)data, values.Length * 4L);
    }

    public void Dispose()
    {
        foreach (var p in _memory) NativeMemory.AlignedFree((void*)p);
    }
}
