using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// sample_f32 statistically: one request's logits drawn at thousands of steps (one row per step) must follow the
/// distribution the CPU sampler defines (<see cref="SamplingDistribution"/>, itself checked against the CPU
/// <see cref="Sampler"/>'s draws), never yield a filtered token, and draw the same token for the same (seed, step)
/// wherever the row sits in the batch.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class SamplingDistributionConformanceTests
{
    private const int Vocab = 40, Draws = 3000;

    public static TheoryData<float, int, float, float> Cases() => new()
    {
        { 0.7f, 0, 1f, 0f },       // temperature only
        { 1f, 5, 1f, 0f },         // top-k
        { 1.2f, 0, 0.8f, 0f },     // top-p
        { 1f, 0, 1f, 0.1f },       // min-p
        { 0.9f, 10, 0.9f, 0.05f }, // all of them, in the CPU sampler's order
        { 1f, 1, 1f, 0f },         // top-k 1: greedy by filtering
    };

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Draws_follow_the_cpu_samplers_distribution(string device, float temperature, int topK, float topP, float minP)
    {
        float[] logits = DTypeCodec.Random(new Random(Vocab + topK * 7 + (int)(topP * 100)), Vocab, 3f);
        var target = SamplingDistribution.Of(logits, temperature, topK, topP, minP);

        var sampler = new Sampler(Vocab);
        var state = new SamplingState(new SamplingParams { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, Seed = 42 }, []);
        var cpuCounts = new int[Vocab];
        for (int i = 0; i < Draws; i++) cpuCounts[sampler.Sample((float[])logits.Clone(), state).TokenId]++;
        SamplingDistribution.AssertFits(cpuCounts, target, "CPU sampler (the reference's check)");

        using var gpu = new DeviceScope(device);
        int[] tokens = Sample(gpu, Enumerable.Repeat(logits, Draws).SelectMany(l => l).ToArray(), Draws, Enumerable.Repeat(temperature, Draws).ToArray(),
            Enumerable.Repeat(topK, Draws).ToArray(), Enumerable.Repeat(topP, Draws).ToArray(), Enumerable.Repeat(minP, Draws).ToArray(),
            Enumerable.Repeat(1234UL, Draws).ToArray(), Enumerable.Range(0, Draws).Select(s => (ulong)s).ToArray());
        var counts = new int[Vocab];
        foreach (var t in tokens) counts[t]++;
        SamplingDistribution.AssertFits(counts, target, $"sample_f32 on {device}");
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Devices))]
    [KernelCases(KernelDevices.Gpu, nameof(Devices))]
    public void A_seed_and_step_draw_the_same_token_wherever_the_row_sits_and_greedy_rows_take_the_argmax(string device)
    {
        const int Rows = 8;
        var rng = new Random(5);
        float[][] rows = Enumerable.Range(0, Rows).Select(_ => DTypeCodec.Random(rng, 1000, 4f)).ToArray();
        rows[6] = rows[1];  // same request state as row 1, elsewhere in the batch
        float[] temperature = [1f, 1f, 0f, 0.8f, 1f, 1f, 1f, 0f];
        ulong[] seeds = [1, 7, 0, 3, 7, 7, 7, 0], steps = [0, 5, 0, 9, 6, 5, 5, 0];
        int[] topK = [0, 50, 0, 0, 50, 50, 50, 0];
        float[] topP = [1f, 0.9f, 1f, 0.95f, 0.9f, 0.9f, 0.9f, 1f];
        float[] minP = new float[Rows];
        using var gpu = new DeviceScope(device);
        int[] tokens = Sample(gpu, rows.SelectMany(r => r).ToArray(), Rows, temperature, topK, topP, minP, seeds, steps);
        Assert.Equal(tokens[1], tokens[6]);
        Assert.Equal(Array.IndexOf(rows[2], rows[2].Max()), tokens[2]);
        Assert.Equal(Array.IndexOf(rows[7], rows[7].Max()), tokens[7]);
        // Drawing the batch again gives the same tokens: nothing but (seed, step) feeds the randomness.
        Assert.Equal(tokens, Sample(gpu, rows.SelectMany(r => r).ToArray(), Rows, temperature, topK, topP, minP, seeds, steps));
        // Another step of the same request draws independently: over 64 steps a row with a spread distribution varies.
        var spread = Sample(gpu, Enumerable.Repeat(rows[0], 64).SelectMany(r => r).ToArray(), 64, Enumerable.Repeat(1f, 64).ToArray(), new int[64],
            Enumerable.Repeat(1f, 64).ToArray(), new float[64], Enumerable.Repeat(1UL, 64).ToArray(), Enumerable.Range(0, 64).Select(s => (ulong)s).ToArray());
        Assert.True(spread.Distinct().Count() > 8, $"64 steps drew only {spread.Distinct().Count()} distinct tokens");
    }

    /// <summary>One row with no arguments besides the device.</summary>
    public static IEnumerable<object[]> Devices() => [[]];

    private static int[] Sample(DeviceScope gpu, float[] logits, int rows, float[] temperature, int[] topK, float[] topP, float[] minP, ulong[] seeds, ulong[] steps)
    {
        int vocab = logits.Length / rows;
        nint tokens = gpu.Allocate(rows * sizeof(int));
        SamplingLaunch.Sample(gpu.Launcher, tokens, gpu.Upload(logits), rows, vocab, gpu.Upload(temperature), gpu.Upload(topK), gpu.Upload(topP),
            gpu.Upload(minP), gpu.Upload(seeds), gpu.Upload(steps));
        return gpu.Download<int>(tokens, rows);
    }
}
