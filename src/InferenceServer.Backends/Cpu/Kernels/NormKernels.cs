using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>RMSNorm over rows, computed in float as transformers does for fp32 models.</summary>
public static unsafe class NormKernels<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    public static void RmsNorm(float* x, float* weight, float eps, int rows, int dim, float* y)
    {
        int w = TS.Width;
        for (int r = 0; r < rows; r++)
        {
            float* xr = x + (long)r * dim;
            float* yr = y + (long)r * dim;
            float scale = 1f / MathF.Sqrt(VectorMath<TS, TV>.Dot(xr, xr, dim) / dim + eps);
            int i = 0;
            var vs = TS.Create(scale);
            for (; i + w <= dim; i += w)
                TS.Store(TS.Multiply(TS.Multiply(TS.Load(xr + i), vs), TS.Load(weight + i)), yr + i);
            for (; i < dim; i++) yr[i] = xr[i] * scale * weight[i];
        }
    }
}
