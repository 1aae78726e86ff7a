using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Threading;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// The unmerged LoRA delta on the CPU, one row per item: shrink t = A·x (rank dot products over the input),
/// then expand y += s·Σ_r t[r]·Bᵀ[r] (rank vector multiply-adds over the output). Rows of one request are
/// adjacent, so an adapter's matrices stay in cache across its rows.
/// </summary>
public sealed unsafe class LoraWork : ParallelWork
{
    public float* X;
    public float* Y;
    public int InFeatures;
    public int OutFeatures;
    public int[] RowSlot = [];
    public LoraAdapter?[] Slots = [];
    public int Layer;
    public LoraTarget Target;

    public override void Execute(int start, int end, int worker)
    {
        float* t = stackalloc float[64];
        for (int row = start; row < end; row++)
        {
            int slot = RowSlot[row];
            if (slot < 0 || Slots[slot]?.Weights(Layer, Target) is not { } w) continue;
            var adapter = Slots[slot]!;
            int rank = adapter.Rank;
            float* x = X + (long)row * InFeatures;
            float* y = Y + (long)row * OutFeatures;
            fixed (float* a = w.A, bt = w.BTransposed)
            {
                for (int r = 0; r < rank; r++) t[r] = Dot(a + (long)r * InFeatures, x, InFeatures) * adapter.Scaling;
                for (int r = 0; r < rank; r++) Axpy(t[r], bt + (long)r * OutFeatures, y, OutFeatures);
            }
        }
    }

    private static float Dot(float* a, float* b, int n)
    {
        var acc0 = Vector512<float>.Zero;
        var acc1 = Vector512<float>.Zero;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            acc0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc0);
            acc1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 16), Vector512.Load(b + i + 16), acc1);
        }
        float sum = Vector512.Sum(acc0 + acc1);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(float alpha, float* x, float* y, int n)
    {
        var va = Vector512.Create(alpha);
        int i = 0;
        for (; i + 16 <= n; i += 16) Vector512.FusedMultiplyAdd(va, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
