using InferenceServer.Backends;
using InferenceServer.Backends.Cpu;
using InferenceServer.Engine.Runner;
using InferenceServer.Models.Loading;
using InferenceServer.TestSupport;

namespace InferenceServer.Engine.Tests;

public sealed class ModelRunnerTests
{
    private static readonly int[] Prompt = [1, 80, 147, 201, 282, 57, 400, 12, 999, 5, 77, 1500, 3, 8, 60, 61, 62, 90, 91];

    [Theory]
    [InlineData(64, 16)]  // whole prompt in one chunk
    [InlineData(5, 4)]    // chunked prefill across blocks of 4
    [InlineData(1, 16)]   // token by token, like decode
    public void Runner_logits_match_the_naive_reference_for_any_chunking(int chunk, int blockSize)
    {
        using var model = ModelLoader.Load(SharedModels.TinyStories);
        var expected = new ReferenceTransformer(model).LastLogits(Prompt);
        var logits = RunChunked(model, Prompt, chunk, blockSize);
        double maxAbs = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - logits[i]) <= 1e-4 * maxAbs, $"logit {i}: {logits[i]} vs {expected[i]}");
    }

    /// <summary>Runs the prompt through the runner in chunks over a shuffled block table.</summary>
    internal static float[] RunChunked(LoadedModel model, int[] prompt, int chunk, int blockSize)
    {
        var cfg = model.Config;
        using var backend = new CpuBackend(2);
        var weights = ModelWeights.Load(model, backend, storage: null);
        int blocks = 64;
        using var cache = backend.AllocateKvCache(new KvCacheLayout(cfg.NumLayers, blocks, blockSize, cfg.NumKvHeads, cfg.HeadDim));
        using var runner = new ModelRunner(backend, cfg, weights, cache, 64, 1);
        var batch = new ForwardBatch(64, 1, blocks);
        var table = batch.Attention.BlockTable(0);
        var order = Enumerable.Range(0, blocks).OrderBy(i => (i * 37) % blocks).ToArray();
        order.CopyTo(table);
        var logits = new float[cfg.VocabSize];
        for (int start = 0; start < prompt.Length; start += chunk)
        {
            int n = Math.Min(chunk, prompt.Length - start);
            for (int i = 0; i < n; i++)
            {
                int pos = start + i;
                batch.TokenIds[i] = prompt[pos];
                batch.Positions[i] = pos;
                batch.SlotMapping[i] = table[pos / blockSize] * blockSize + pos % blockSize;
            }
            var a = batch.Attention;
            a.SequenceCount = 1;
            a.QueryStart[0] = 0;
            a.QueryStart[1] = n;
            a.ContextLength[0] = start + n;
            batch.LogitCount = 1;
            batch.LogitRows[0] = n - 1;
            runner.Forward(batch, logits);
        }
        return logits;
    }
}
