using InferenceServer.Backends;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;
using InferenceServer.Models.Config;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>rope_* against the CPU backend's Rope with the same RopeTable (plain and Llama 3 scaled, full and partial rotary).</summary>
[Trait("Category", "CudaConformance")]
public sealed class RopeConformanceTests : IDisposable
{
    private const int MaxPositions = 4096;
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, int, int, int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<KernelDType, int, int, int, int, int, bool, bool>();
        // tokens, q heads, kv heads, head dim, rotary dim, Llama 3 scaling, NeoX (else GPT-J) layout
        (int Tokens, int QHeads, int KvHeads, int HeadDim, int Rotary, bool Llama3)[] shapes =
            [(1, 1, 1, 64, 64, false), (5, 8, 2, 64, 64, false), (17, 32, 8, 128, 128, true), (3, 12, 12, 96, 32, false), (9, 4, 1, 256, 128, true), (2, 14, 2, 64, 64, true)];
        foreach (var dtype in Enum.GetValues<KernelDType>())
            foreach (var s in shapes)
                foreach (bool neox in new[] { true, false }) data.Add(dtype, s.Tokens, s.QHeads, s.KvHeads, s.HeadDim, s.Rotary, s.Llama3, neox);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Rope_matches_the_cpu_backend(string device, KernelDType dtype, int tokens, int qHeads, int kvHeads, int headDim, int rotaryDim,
        bool llama3, bool neox)
    {
        var rng = new Random(tokens * 100 + headDim + rotaryDim);
        var table = new RopeTable(MaxPositions, rotaryDim, llama3 ? 500000 : 10000, llama3 ? new RopeScaling(8, 1, 4, 8192) : null);
        int[] positions = [0, .. Enumerable.Range(0, tokens - 1).Select(_ => rng.Next(MaxPositions))];
        positions[^1] = tokens > 1 ? MaxPositions - 1 : positions[^1];
        float[] q = DTypeCodec.Round(DTypeCodec.Random(rng, tokens * qHeads * headDim), dtype);
        float[] k = DTypeCodec.Round(DTypeCodec.Random(rng, tokens * kvHeads * headDim), dtype);

        // The CPU backend rotates NeoX pairs (i, i + rotary/2); GPT-J pairs (2i, 2i + 1) are the same rotation after
        // moving even dimensions to the first half and odd ones to the second.
        var (qRef, kRef) = _cpu.Rope(Permute(q, headDim, rotaryDim, neox, inverse: false), Permute(k, headDim, rotaryDim, neox, inverse: false),
            positions, qHeads, kvHeads, headDim, table);
        qRef = Permute(qRef, headDim, rotaryDim, neox, inverse: true);
        kRef = Permute(kRef, headDim, rotaryDim, neox, inverse: true);

        using var gpu = new DeviceScope(device);
        nint dq = gpu.Upload(q, dtype), dk = gpu.Upload(k, dtype);
        RopeLaunch.Launch(gpu.Launcher, dtype, dq, dk, gpu.Upload(positions), gpu.Upload(table.Cos), gpu.Upload(table.Sin), tokens, qHeads, kvHeads,
            headDim, rotaryDim, qHeads * headDim, kvHeads * headDim, neox);
        Tolerance.For(dtype).Check("rope.q", dtype, device, qRef, gpu.Download(dq, q.Length, dtype));
        Tolerance.For(dtype).Check("rope.k", dtype, device, kRef, gpu.Download(dk, k.Length, dtype));
    }

    /// <summary>GPT-J to NeoX order of each head's rotary dimensions (or back); identity for NeoX.</summary>
    private static float[] Permute(float[] x, int headDim, int rotaryDim, bool neox, bool inverse)
    {
        if (neox) return x;
        var y = (float[])x.Clone();
        int half = rotaryDim / 2;
        for (int h = 0; h < x.Length; h += headDim)
        {
            for (int i = 0; i < half; i++)
            {
                if (inverse) { y[h + 2 * i] = x[h + i]; y[h + 2 * i + 1] = x[h + half + i]; }
                else { y[h + i] = x[h + 2 * i]; y[h + half + i] = x[h + 2 * i + 1]; }
            }
        }
        return y;
    }

    public void Dispose() => _cpu.Dispose();
}
