using System.Numerics.Tensors;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Models.Quantization;

namespace InferenceServer.Backends.Cuda.Emulation;

/// <summary>
/// cuBLAS's stand-in under the emulation ("device" memory is host memory): y = x·Wᵀ with inputs widened to fp32 and
/// fp32 accumulation, as GemmEx with CUBLAS_COMPUTE_32F computes it (summation order differs, within fp32 rounding).
/// </summary>
internal sealed unsafe class HostGemm : IDenseGemm
{
    public void Gemm(KernelDType inputs, nint y, nint x, nint w, int rows, int nOut, int k)
    {
        if (rows == 0 || nOut == 0) return;
        float[] xs = Widen(inputs, x, (long)rows * k);
        float* yp = (float*)y;
        Parallel.For(0, nOut, o =>
        {
            var row = new float[k];
            WidenRow(inputs, w + (nint)((long)o * k * inputs.Size()), row);
            fixed (float* wr = row, xr = xs)
            {
                for (int r = 0; r < rows; r++) yp[(long)r * nOut + o] = TensorPrimitives.Dot(new ReadOnlySpan<float>(xr + (long)r * k, k), new ReadOnlySpan<float>(wr, k));
            }
        });
    }

    private static float[] Widen(KernelDType dtype, nint source, long count)
    {
        var result = new float[count];
        WidenRow(dtype, source, result);
        return result;
    }

    private static void WidenRow(KernelDType dtype, nint source, Span<float> destination)
        => TensorCodec.Decode(new ReadOnlySpan<byte>((void*)source, destination.Length * dtype.Size()), dtype.ToTensor(), destination);
}
