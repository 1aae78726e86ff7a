using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Lora;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Backends.Tests;

public sealed class CpuLoraTests : IDisposable
{
    private readonly CpuBackend _backend = new(threads: 2);

    private static LoraAdapter RandomAdapter(string name, int rank, int inF, int outF, LoraTarget target, Random rng)
    {
        var weights = new LoraWeights?[1, LoraTargets.All.Count];
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        weights[0, (int)target] = new LoraWeights(R(rank * inF), R(rank * outF), inF, outF);
        return new LoraAdapter(name, "", new LoraAdapterConfig(rank, 2 * rank, false, new HashSet<LoraTarget> { target }, null), weights);
    }

    [Theory]
    [InlineData(1, 64, 96)]
    [InlineData(8, 128, 40)]
    [InlineData(64, 33, 17)]   // sizes off the 16-wide vector
    public void Rows_get_their_own_slots_delta_and_base_rows_stay_untouched(int rank, int inF, int outF)
    {
        var rng = new Random(rank);
        var adapters = new[] { RandomAdapter("a", rank, inF, outF, LoraTarget.UpProj, rng), RandomAdapter("b", Math.Max(1, rank / 2), inF, outF, LoraTarget.UpProj, rng) };
        _backend.AllocateLoraSlots(3);
        _backend.LoadLoraSlot(0, adapters[0]);
        _backend.LoadLoraSlot(2, adapters[1]);
        int[] rowSlot = [0, 0, -1, 2, 0, 2, -1];
        var batch = new LoraBatch(16) { RowCount = rowSlot.Length, Any = true };
        rowSlot.CopyTo(batch.RowSlot, 0);
        var x = Enumerable.Range(0, rowSlot.Length * inF).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var y0 = Enumerable.Range(0, rowSlot.Length * outF).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var xb = _backend.Allocate(x.Length);
        var yb = _backend.Allocate(y0.Length);
        _backend.CopyFromHost(x, xb);
        _backend.CopyFromHost(y0, yb);

        _backend.AddLora(xb, yb, 0, LoraTarget.UpProj, batch);
        _backend.AddLora(xb, yb, 0, LoraTarget.DownProj, batch);   // no adapter has it: nothing changes

        var y = new float[y0.Length];
        _backend.CopyToHost(yb, y);
        for (int row = 0; row < rowSlot.Length; row++)
        {
            var adapter = rowSlot[row] switch { 0 => adapters[0], 2 => adapters[1], _ => null };
            for (int o = 0; o < outF; o++)
            {
                double expected = y0[row * outF + o];
                if (adapter != null)
                {
                    var w = adapter.Weights(0, LoraTarget.UpProj)!;
                    for (int r = 0; r < adapter.Rank; r++)
                    {
                        double t = 0;
                        for (int i = 0; i < inF; i++) t += (double)w.A[r * inF + i] * x[row * inF + i];
                        expected += adapter.Scaling * t * w.BTransposed[r * outF + o];
                    }
                }
                Assert.Equal(expected, y[row * outF + o], 2e-3 * (1 + Math.Abs(expected)));
            }
        }
    }

    public void Dispose() => _backend.Dispose();
}
