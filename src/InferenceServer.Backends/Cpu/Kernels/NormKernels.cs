using System.Runtime.Intrinsics;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>RMSNorm over rows, computed in float as transformers does for fp32 models.</summary>
public static unsafe class NormKernels
{
    public static void RmsNorm(float* x, float* weight, float eps, int rows, int dim, float* y)
    {
        for (int r = 0; r < rows; r++)
        {
            float* xr = x + (long)r * dim;
            float* yr = y + (long)r * dim;
            float scale = 1f / MathF.Sqrt(VectorMath.Dot(xr, xr, dim) / dim + eps);
            int i = 0;
            var vs = Vector512.Create(scale);
            for (; i + 16 <= dim; i += 16)
                (Vector512.Load(xr + i) * vs * Vector512.Load(weight + i)).Store(yr + i);
            for (; i < dim; i++) yr[i] = xr[i] * scale * weight[i];
        }
    }
}
