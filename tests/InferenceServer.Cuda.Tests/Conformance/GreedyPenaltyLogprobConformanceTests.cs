using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// The deterministic half of GPU sampling against the CPU <see cref="Sampler"/>: apply_penalties_f32 then argmax_f32
/// pick exactly the CPU's greedy token (after repetition, presence and frequency penalties over a prompt and an output
/// history), and log_softmax_f32 gives its logprob of that token and its top-5 alternatives on the raw logits. The
/// penalised logits themselves must equal, bit for bit, the same float operations done in C#.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class GreedyPenaltyLogprobConformanceTests
{
    private const int TopN = 5;

    public static TheoryData<int, int> Cases() => new()
    {
        { 1, 1 },        // a one-token vocabulary
        { 50, 4 },
        { 1000, 6 },
        { 32_000, 3 },   // Llama-2's vocabulary
        { 151_936, 2 },  // Qwen's: many entries per thread
    };

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Greedy_tokens_after_penalties_and_their_logprobs_match_the_cpu_sampler(string device, int vocab, int rows)
    {
        var rng = new Random(vocab + rows);
        float[] raw = DTypeCodec.Random(rng, rows * vocab, 5f);
        // Row 0 ties its maximum at two ids (the lower one must win); the others get penalties of every kind.
        if (vocab > 3) raw[vocab - 1] = raw[2] = raw.AsSpan(0, vocab).ToArray().Max() + 1;
        var parameters = new SamplingParams[rows];
        var prompts = new int[rows][];
        var outputs = new int[rows][];
        for (int r = 0; r < rows; r++)
        {
            bool penalised = r > 0;
            parameters[r] = new SamplingParams
            {
                Temperature = 0,
                Logprobs = TopN,
                RepetitionPenalty = penalised ? 1f + r * 0.2f : 1f,
                PresencePenalty = penalised && r % 2 == 1 ? 0.7f : 0f,
                FrequencyPenalty = penalised ? 0.4f - r * 0.1f : 0f,
            };
            // Histories aim at the likeliest ids, so penalties change the winner; repeats in the output count.
            var likely = Enumerable.Range(0, vocab).OrderByDescending(i => raw[r * vocab + i]).Take(Math.Min(vocab, 12)).ToArray();
            prompts[r] = [.. likely.Take(3), .. Enumerable.Range(0, 20).Select(_ => rng.Next(vocab))];
            outputs[r] = [.. likely.Skip(2).Take(4), .. likely.Skip(3).Take(2), rng.Next(vocab)];
        }

        var expectedTokens = new int[rows];
        var expectedTop = new TokenLogprob[rows][];
        var expectedLogprobs = new float[rows];
        var expectedLogits = (float[])raw.Clone();
        for (int r = 0; r < rows; r++)
        {
            var state = new SamplingState(parameters[r], prompts[r]);
            foreach (var t in outputs[r]) state.Append(t);
            var row = raw.AsSpan(r * vocab, vocab).ToArray();
            var sampled = new Sampler(vocab).Sample(row, state);
            expectedTokens[r] = sampled.TokenId;
            expectedLogprobs[r] = sampled.Logprob;
            // The CPU orders equal values arbitrarily; the kernel ties to the lower id.
            expectedTop[r] = [.. sampled.TopLogprobs!.OrderByDescending(t => t.Logprob).ThenBy(t => t.TokenId)];
            Penalise(expectedLogits.AsSpan(r * vocab, vocab), parameters[r], prompts[r], outputs[r]);
        }

        // The CSR lists the host keeps per request: seen ids (prompt set ∪ output, once each), output (id, count).
        var seen = Enumerable.Range(0, rows).Select(r => prompts[r].Concat(outputs[r]).Distinct().ToArray()).ToArray();
        var counted = Enumerable.Range(0, rows).Select(r => outputs[r].GroupBy(t => t).Select(g => (Id: g.Key, Count: g.Count())).ToArray()).ToArray();
        using var gpu = new DeviceScope(device);
        nint rawLogits = gpu.Upload(raw), logits = gpu.Upload(raw);
        PenaltiesLaunch.Launch(gpu.Launcher, logits, rows, vocab, gpu.Upload(parameters.Select(p => p.RepetitionPenalty).ToArray()),
            gpu.Upload(parameters.Select(p => p.PresencePenalty).ToArray()), gpu.Upload(parameters.Select(p => p.FrequencyPenalty).ToArray()),
            gpu.Upload(Starts(seen.Select(s => s.Length))), gpu.Upload(seen.SelectMany(s => s).Append(0).ToArray()),
            gpu.Upload(Starts(counted.Select(c => c.Length))), gpu.Upload(counted.SelectMany(c => c.Select(e => e.Id)).Append(0).ToArray()),
            gpu.Upload(counted.SelectMany(c => c.Select(e => e.Count)).Append(0).ToArray()));
        Assert.Equal(expectedLogits, gpu.Download<float>(logits, rows * vocab));

        nint tokens = gpu.Allocate(rows * sizeof(int));
        SamplingLaunch.Argmax(gpu.Launcher, tokens, logits, rows, vocab);
        Assert.Equal(expectedTokens, gpu.Download<int>(tokens, rows));

        nint logprobRows = gpu.Allocate((long)rows * vocab * sizeof(float)), tokenLogprobs = gpu.Allocate(rows * sizeof(float));
        nint topIds = gpu.Allocate(rows * TopN * sizeof(int)), topLogprobs = gpu.Allocate(rows * TopN * sizeof(float));
        LogSoftmaxLaunch.Launch(gpu.Launcher, logprobRows, tokenLogprobs, tokens, rawLogits, rows, vocab, topIds, topLogprobs, TopN);
        var ids = gpu.Download<int>(topIds, rows * TopN);
        var top = gpu.Download<float>(topLogprobs, rows * TopN);
        for (int r = 0; r < rows; r++)
        {
            // A vocabulary under TopN: the CPU returns fewer, the kernel pads with id -1.
            Assert.Equal([.. expectedTop[r].Select(t => t.TokenId), .. Enumerable.Repeat(-1, TopN - expectedTop[r].Length)], ids[(r * TopN)..((r + 1) * TopN)]);
            CheckClose("log_softmax_top", device, [.. expectedTop[r].Select(t => t.Logprob)], top[(r * TopN)..(r * TopN + expectedTop[r].Length)], 2e-5);
        }
        var logprobs = gpu.Download<float>(tokenLogprobs, rows);
        var full = gpu.Download<float>(logprobRows, rows * vocab);
        var expectedRows = new float[rows * vocab];
        for (int r = 0; r < rows; r++)
        {
            var row = raw.AsSpan(r * vocab, vocab);
            double max = row.ToArray().Max(), logZ = max + Math.Log(row.ToArray().Sum(l => Math.Exp(l - max)));
            for (int i = 0; i < vocab; i++) expectedRows[r * vocab + i] = (float)(row[i] - logZ);
        }
        // log Z in fp32 over up to 152k terms: a few fp32 ulps of log Z (|log Z| < 20 here).
        CheckClose("log_softmax_token", device, expectedLogprobs, logprobs, 2e-5);
        CheckClose("log_softmax", device, expectedRows, full, 2e-5);
    }

    /// <summary>The CPU sampler's penalties, as float operations on one row.</summary>
    private static void Penalise(Span<float> row, SamplingParams p, int[] prompt, int[] output)
    {
        foreach (var id in prompt.Concat(output).Distinct()) row[id] = row[id] > 0 ? row[id] / p.RepetitionPenalty : row[id] * p.RepetitionPenalty;
        foreach (var g in output.GroupBy(t => t)) row[g.Key] -= p.PresencePenalty + p.FrequencyPenalty * g.Count();
    }

    private static int[] Starts(IEnumerable<int> lengths)
    {
        var starts = new List<int> { 0 };
        foreach (var n in lengths) starts.Add(starts[^1] + n);
        return [.. starts];
    }

    private static void CheckClose(string kernel, string device, float[] expected, float[] actual, double absolute)
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(diff <= absolute, $"{kernel} on {device}: element {i} is {actual[i]}, reference {expected[i]}");
            worst = Math.Max(worst, diff);
        }
        ErrorLedger.Record(kernel, KernelDType.F32, device, expected.Length, worst, 0);
    }
}
