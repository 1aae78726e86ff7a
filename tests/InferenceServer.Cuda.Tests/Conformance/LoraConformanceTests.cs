using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Backends.Lora;
using InferenceServer.Cuda.Tests.Support;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// BGMV and SGMV shrink + expand against the CPU backend's AddLora on the same adapters and rows: BGMV with each
/// row's slot, SGMV with the runs of equal slots as segments (a prefill batch's sequences). Adapters of different
/// ranks (1 to 64, so stacked slots are partly unused) and scalings, rows without an adapter (-1), an empty slot.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class LoraConformanceTests : IDisposable
{
    private const LoraTarget Target = LoraTarget.OProj;
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, int, int, int[], int[]> Cases()
    {
        var data = new TheoryData<KernelDType, int, int, int[], int[]>();
        // in, out, rank per slot (0: slot left empty), row slots (runs become SGMV segments).
        (int In, int Out, int[] Ranks, int[] Rows)[] shapes =
        [
            (64, 64, [8], [0]),
            (128, 96, [16, 4], [0, 1, -1, 1, 0, 0]),                                // decode: mixed slots, a base-model row
            (4096, 1024, [64, 8, 1], [.. Run(2, 13), .. Run(-1, 5), .. Run(0, 20), 1, .. Run(2, 9)]),
            (200, 300, [64, 0, 32], [.. Run(0, 17), .. Run(2, 8), .. Run(0, 3)]),    // sizes off the warp and tile grid
            (1024, 4096, [1, 64], [.. Run(1, 7), 0]),
        ];
        foreach (var dtype in new[] { KernelDType.F32, KernelDType.F16, KernelDType.BF16 })
            foreach (var s in shapes) data.Add(dtype, s.In, s.Out, s.Ranks, s.Rows);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Bgmv_and_sgmv_match_the_cpu_backends_add_lora(string device, KernelDType dtype, int inFeatures, int outFeatures, int[] ranks, int[] rowSlots)
    {
        var rng = new Random(inFeatures * 7 + outFeatures + rowSlots.Length + (int)dtype);
        int rows = rowSlots.Length, slots = ranks.Length, maxRank = ranks.Max();
        var adapters = new LoraAdapter?[slots];
        float[] a = new float[slots * maxRank * inFeatures], bt = new float[slots * maxRank * outFeatures];
        for (int s = 0; s < slots; s++)
        {
            if (ranks[s] == 0) continue;
            float[] sa = DTypeCodec.Round(DTypeCodec.Random(rng, ranks[s] * inFeatures, 0.1f), dtype);
            float[] sb = DTypeCodec.Round(DTypeCodec.Random(rng, ranks[s] * outFeatures, 0.1f), dtype);
            sa.CopyTo(a, s * maxRank * inFeatures);
            sb.CopyTo(bt, s * maxRank * outFeatures);
            var weights = new LoraWeights?[1, Enum.GetValues<LoraTarget>().Length];
            weights[0, (int)Target] = new LoraWeights(sa, sb, inFeatures, outFeatures);
            var config = new LoraAdapterConfig(ranks[s], 16 + s * 8, UseRsLora: s % 2 == 1, new HashSet<LoraTarget> { Target }, null);
            adapters[s] = new LoraAdapter($"adapter{s}", "", config, weights);
        }
        float[] x = DTypeCodec.Round(DTypeCodec.Random(rng, rows * inFeatures), dtype);
        float[] y = DTypeCodec.Round(DTypeCodec.Random(rng, rows * outFeatures), dtype);
        // An empty slot is -1 to the kernels too: rows pointing at it get no delta, as on the CPU.
        int[] effective = rowSlots.Select(s => s >= 0 && adapters[s] == null ? -1 : s).ToArray();

        _cpu.Backend.AllocateLoraSlots(slots);
        for (int s = 0; s < slots; s++) _cpu.Backend.LoadLoraSlot(s, adapters[s]);
        var batch = new LoraBatch(rows) { RowCount = rows, Any = true };
        rowSlots.CopyTo(batch.RowSlot, 0);
        var cpuY = _cpu.Buffer(y);
        _cpu.Backend.AddLora(_cpu.Buffer(x), cpuY, 0, Target, batch);
        float[] expected = _cpu.Read(cpuY, rows * outFeatures);

        using var gpu = new DeviceScope(device);
        nint dx = gpu.Upload(x, dtype), da = gpu.Upload(a, dtype), dbt = gpu.Upload(bt, dtype), dRanks = gpu.Upload(ranks);
        nint dScalings = gpu.Upload(adapters.Select(ad => ad?.Scaling ?? 0f).ToArray());
        nint t = gpu.Allocate((long)rows * maxRank * sizeof(float));

        nint bgmvY = gpu.Upload(y, dtype), dRowSlots = gpu.Upload(effective);
        LoraLaunch.BgmvShrink(gpu.Launcher, dtype, t, dx, da, dRanks, dScalings, dRowSlots, rows, inFeatures, maxRank);
        LoraLaunch.BgmvExpand(gpu.Launcher, dtype, bgmvY, t, dbt, dRanks, dRowSlots, rows, outFeatures, maxRank);
        Tolerance(dtype).Check("bgmv_shrink_expand", dtype, device, expected, gpu.Download(bgmvY, rows * outFeatures, dtype));

        var (starts, segmentSlots) = Segments(effective);
        int maxSegment = Enumerable.Range(0, segmentSlots.Length).Max(s => starts[s + 1] - starts[s]);
        nint sgmvY = gpu.Upload(y, dtype), dStarts = gpu.Upload(starts), dSegmentSlots = gpu.Upload(segmentSlots);
        LoraLaunch.SgmvShrink(gpu.Launcher, dtype, t, dx, da, dRanks, dScalings, dStarts, dSegmentSlots, segmentSlots.Length, maxSegment, inFeatures, maxRank);
        LoraLaunch.SgmvExpand(gpu.Launcher, dtype, sgmvY, t, dbt, dRanks, dStarts, dSegmentSlots, segmentSlots.Length, maxSegment, outFeatures, maxRank);
        Tolerance(dtype).Check("sgmv_shrink_expand", dtype, device, expected, gpu.Download(sgmvY, rows * outFeatures, dtype));
    }

    /// <summary>
    /// The storage type's ulps plus an absolute 2e-5: the delta sums rank × in products (up to 64 × 4096) whose
    /// magnitudes reach ~1 while y lands near 0.05, so fp32 summation order alone moves results by ~1e-6 there.
    /// </summary>
    private static Tolerance Tolerance(KernelDType dtype) => Support.Tolerance.For(dtype) with { Absolute = 2e-5 };

    private static int[] Run(int slot, int count) => Enumerable.Repeat(slot, count).ToArray();

    /// <summary>Runs of equal slots as segments: starts [segments + 1] and the slot of each.</summary>
    private static (int[] Starts, int[] Slots) Segments(int[] rowSlots)
    {
        List<int> starts = [0], slots = [rowSlots[0]];
        for (int r = 1; r < rowSlots.Length; r++)
            if (rowSlots[r] != rowSlots[r - 1])
            {
                starts.Add(r);
                slots.Add(rowSlots[r]);
            }
        starts.Add(rowSlots.Length);
        return ([.. starts], [.. slots]);
    }

    public void Dispose() => _cpu.Dispose();
}
