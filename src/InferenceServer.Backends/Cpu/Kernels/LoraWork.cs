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
                for (int r = 0; r < rank; r++) t[r] = VectorMath.Dot(a + (long)r * InFeatures, x, InFeatures) * adapter.Scaling;
                for (int r = 0; r < rank; r++) VectorMath.AddScaled(y, t[r], bt + (long)r * OutFeatures, OutFeatures);
            }
        }
    }
}
