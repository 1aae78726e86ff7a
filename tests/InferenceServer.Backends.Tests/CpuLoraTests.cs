using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Backends.Lora;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Quantization;

using InferenceServer.TestSupport;

namespace InferenceServer.Backends.Tests;

public sealed class CpuLoraTests : IDisposable
{
    private CpuBackend _backend = null!;

    /// <summary>The backend of this test, on <paramref name="isa"/>'s kernels.</summary>
    private void Use(CpuIsa isa) => _backend = new CpuBackend(threads: 2, isa);

    private static LoraAdapter RandomAdapter(string name, int rank, int inF, int outF, LoraTarget target, Random rng)
    {
        var weights = new LoraWeights?[1, LoraTargets.All.Count];
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        weights[0, (int)target] = new LoraWeights(R(rank * inF), R(rank * outF), inF, outF);
        return new LoraAdapter(name, "", new LoraAdapterConfig(rank, 2 * rank, false, new HashSet<LoraTarget> { target }, null), weights);
    }

    private static float[] RandomFloats(int n, Random rng) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    /// <summary>y after y0 + the LoRA delta of <paramref name="rowSlot"/>'s rows on the backend.</summary>
    private float[] Apply(LoraAdapter?[] slots, TensorDType dtype, int[] rowSlot, float[] x, float[] y0, LoraTarget target = LoraTarget.UpProj)
    {
        _backend.AllocateLoraSlots(slots.Length, dtype);
        for (int s = 0; s < slots.Length; s++) _backend.LoadLoraSlot(s, slots[s]);
        var batch = new LoraBatch(rowSlot.Length) { RowCount = rowSlot.Length, Any = true };
        rowSlot.CopyTo(batch.RowSlot, 0);
        var xb = _backend.Allocate(x.Length);
        var yb = _backend.Allocate(y0.Length);
        try
        {
            _backend.CopyFromHost(x, xb);
            _backend.CopyFromHost(y0, yb);
            _backend.AddLora(xb, yb, 0, target, batch);
            _backend.AddLora(xb, yb, 0, target == LoraTarget.UpProj ? LoraTarget.DownProj : LoraTarget.UpProj, batch);   // no adapter has it: nothing changes
            var y = new float[y0.Length];
            _backend.CopyToHost(yb, y);
            return y;
        }
        finally
        {
            _backend.Free(xb);
            _backend.Free(yb);
        }
    }

    /// <summary>y0 + the delta of one row in double, from the matrices as the slot stores them (bf16-rounded for bf16 slots).</summary>
    private static double[] Expected(LoraAdapter? adapter, TensorDType dtype, float[] x, float[] y0, int row, int outF)
    {
        var expected = y0.AsSpan(row * outF, outF).ToArray().Select(v => (double)v).ToArray();
        if (adapter == null) return expected;
        var w = adapter.Weights(0, LoraTarget.UpProj)!;
        int inF = w.InFeatures;
        double Stored(float v) => dtype == TensorDType.BF16 ? BFloat16.ToSingle(BFloat16.FromSingle(v)) : v;
        for (int r = 0; r < adapter.Rank; r++)
        {
            double t = 0;
            for (int i = 0; i < inF; i++) t += Stored(w.A[r * inF + i]) * x[row * inF + i];
            for (int o = 0; o < outF; o++) expected[o] += adapter.Scaling * t * Stored(w.BTransposed[r * outF + o]);
        }
        return expected;
    }

    [Theory]
    [EveryCpuPath(1, 64, 96, TensorDType.F32)]
    [EveryCpuPath(8, 128, 40, TensorDType.F32)]
    [EveryCpuPath(64, 33, 17, TensorDType.F32)]     // sizes off the 16-wide vector
    [EveryCpuPath(64, 768, 2048, TensorDType.F32)]  // several column blocks
    [EveryCpuPath(1, 64, 96, TensorDType.BF16)]
    [EveryCpuPath(8, 128, 40, TensorDType.BF16)]
    [EveryCpuPath(64, 33, 17, TensorDType.BF16)]
    [EveryCpuPath(64, 2048, 768, TensorDType.BF16)]
    [EveryCpuPath(7, 48, 330, TensorDType.BF16)]    // odd rank, 64-, 16- and 1-wide column tails
    public void Rows_get_their_own_slots_delta_and_base_rows_stay_untouched(CpuIsa isa, int rank, int inF, int outF, TensorDType dtype)
    {
        Use(isa);
        var rng = new Random(rank + inF);
        var a = RandomAdapter("a", rank, inF, outF, LoraTarget.UpProj, rng);
        var b = RandomAdapter("b", Math.Max(1, rank / 2), inF, outF, LoraTarget.UpProj, rng);
        LoraAdapter?[] slots = [a, null, b];
        // Slot 0's rows: one run of 19 (more than a work item's 16 rows) and strays; -1 rows are the base model.
        int[] rowSlot = [0, 0, -1, 2, 0, 2, -1, .. Enumerable.Repeat(0, 19), 2, -1, 1, 0];
        var x = RandomFloats(rowSlot.Length * inF, rng);
        var y0 = RandomFloats(rowSlot.Length * outF, rng);

        var y = Apply(slots, dtype, rowSlot, x, y0);

        for (int row = 0; row < rowSlot.Length; row++)
        {
            var expected = Expected(rowSlot[row] >= 0 ? slots[rowSlot[row]] : null, dtype, x, y0, row, outF);
            for (int o = 0; o < outF; o++) Assert.Equal(expected[o], y[row * outF + o], 2e-3 * (1 + Math.Abs(expected[o])));
        }
    }

    [Theory]
    [EveryCpuPath(TensorDType.F32)]
    [EveryCpuPath(TensorDType.BF16)]
    public void A_rows_result_does_not_depend_on_the_other_rows_of_its_batch(CpuIsa isa, TensorDType dtype)
    {
        Use(isa);
        const int inF = 96, outF = 200;
        var rng = new Random(5);
        LoraAdapter?[] slots = [RandomAdapter("a", 16, inF, outF, LoraTarget.UpProj, rng), RandomAdapter("b", 5, inF, outF, LoraTarget.UpProj, rng)];
        int[] rowSlot = [1, 0, 0, 0, -1, 0, 1, 0, 0, 0, 0, 1];
        var x = RandomFloats(rowSlot.Length * inF, rng);
        var y0 = RandomFloats(rowSlot.Length * outF, rng);
        var together = Apply(slots, dtype, rowSlot, x, y0);
        for (int row = 0; row < rowSlot.Length; row++)
        {
            var alone = Apply(slots, dtype, [rowSlot[row]], x.AsSpan(row * inF, inF).ToArray(), y0.AsSpan(row * outF, outF).ToArray());
            Assert.Equal(alone, together.AsSpan(row * outF, outF).ToArray());
        }
    }

    [Theory]
    [EveryCpuPath]
    public void An_op_after_the_first_allocates_nothing(CpuIsa isa)
    {
        Use(isa);
        const int inF = 64, outF = 96, rows = 40;
        var rng = new Random(9);
        _backend.AllocateLoraSlots(3, TensorDType.BF16);
        for (int s = 0; s < 3; s++) _backend.LoadLoraSlot(s, RandomAdapter($"a{s}", 8 * (s + 1), inF, outF, LoraTarget.UpProj, rng));
        var batch = new LoraBatch(rows) { RowCount = rows, Any = true };
        for (int r = 0; r < rows; r++) batch.RowSlot[r] = r % 4 - 1;
        var x = _backend.Allocate(rows * inF);
        var y = _backend.Allocate(rows * outF);
        _backend.AddLora(x, y, 0, LoraTarget.UpProj, batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) _backend.AddLora(x, y, 0, LoraTarget.UpProj, batch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [EveryCpuPath]
    public void Slots_store_only_f32_or_bf16(CpuIsa isa)
    {
        Use(isa);
        Assert.Throws<ArgumentException>(() => _backend.AllocateLoraSlots(2, TensorDType.Q8_0));
    }

    public void Dispose() => _backend?.Dispose();
}
