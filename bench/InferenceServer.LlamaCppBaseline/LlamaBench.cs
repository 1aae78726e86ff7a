using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace InferenceServer.LlamaCppBaseline;

/// <summary>
/// The three measurements, each done the way llama.cpp's own tools do it: llama-bench's pp512 and tg, and
/// llama-batched-bench's generation speed. Token ids are random (fixed seed) so no tokenizer work is timed.
/// </summary>
internal sealed class LlamaBench(LLamaWeights weights, BaselineOptions options)
{
    public const int PromptTokens = 512;
    public const int DecodePromptTokens = 16;
    public const int DecodeTokens = 64;
    public const int Streams = 32;
    public const int StreamPromptTokens = 128;
    public const int StreamDecodeSteps = 128;
    private const int BatchTokens = 512;

    private readonly Random _random = new(1234);
    private readonly int _vocab = weights.Vocab.Count;

    /// <summary>Tokens per second of each timed repetition, after one untimed warm-up run (as llama-bench does).</summary>
    public double[] Run(Measurement measurement) => measurement switch
    {
        Measurement.Pp => Repeat(() => Context(PromptTokens, 1), Prefill),
        Measurement.Tg => Repeat(() => Context(DecodePromptTokens + DecodeTokens, 1), Decode),
        Measurement.Batched => Repeat(() => Context(Streams * (StreamPromptTokens + StreamDecodeSteps), Streams), BatchedDecode),
        _ => throw new ArgumentOutOfRangeException(nameof(measurement)),
    };

    public static string Describe(Measurement measurement) => measurement switch
    {
        Measurement.Pp => $"prefill {PromptTokens} (pp{PromptTokens})",
        Measurement.Tg => $"decode {DecodeTokens} after {DecodePromptTokens} (tg{DecodeTokens})",
        Measurement.Batched => $"{Streams} streams, pp {StreamPromptTokens} + tg {StreamDecodeSteps}, aggregate decode",
        _ => throw new ArgumentOutOfRangeException(nameof(measurement)),
    };

    // One context per measurement, reused by every repetition with its KV cache cleared, as llama-bench does per test.
    private double[] Repeat(Func<LLamaContext> create, Func<LLamaContext, double> once)
    {
        using var context = create();
        var rates = new double[options.Reps];
        for (int rep = -1; rep < options.Reps; rep++)
        {
            context.NativeHandle.MemoryClear(true);
            double rate = once(context);
            if (rep >= 0) rates[rep] = rate;
        }
        return rates;
    }

    private LLamaContext Context(int tokens, int sequences)
    {
        var p = new ModelParams(options.Model)
        {
            ContextSize = (uint)tokens,
            BatchSize = BatchTokens,
            UBatchSize = BatchTokens,
            SeqMax = (uint)sequences,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            GpuLayerCount = 0,
            // LLamaSharp defaults to one KV buffer shared by all sequences; llama-batched-bench (without -kvu) and
            // llama.cpp's own context defaults keep one per sequence, which is faster for unrelated sequences.
            KVUnified = false,
        };
        return weights.CreateContext(p);
    }

    private LLamaToken RandomToken() => (LLamaToken)_random.Next(3, Math.Min(_vocab, 32000));

    // pp: one llama_decode of the whole prompt on an empty cache, logits of the last token only.
    private double Prefill(LLamaContext context)
    {
        var batch = new LLamaBatch();
        for (int i = 0; i < PromptTokens; i++) batch.Add(RandomToken(), i, LLamaSeqId.Zero, i == PromptTokens - 1);
        long start = Stopwatch.GetTimestamp();
        Check(context.NativeHandle.Decode(batch));
        context.NativeHandle.Synchronize();
        return PromptTokens / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // tg: a short prompt (not timed), then one-token decodes, each waiting for its logits.
    private double Decode(LLamaContext context)
    {
        var batch = new LLamaBatch();
        for (int i = 0; i < DecodePromptTokens; i++) batch.Add(RandomToken(), i, LLamaSeqId.Zero, i == DecodePromptTokens - 1);
        Check(context.NativeHandle.Decode(batch));
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < DecodeTokens; i++)
        {
            batch.Clear();
            batch.Add(RandomToken(), DecodePromptTokens + i, LLamaSeqId.Zero, true);
            Check(context.NativeHandle.Decode(batch));
            context.NativeHandle.Synchronize();
        }
        return DecodeTokens / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // llama-batched-bench -npp 128 -ntg 128 -npl 32: every stream's prompt first (not timed), then steps of one token
    // per stream, all with logits; the rate counts generated tokens only.
    private double BatchedDecode(LLamaContext context)
    {
        var batch = new LLamaBatch();
        for (int s = 0; s < Streams; s++)
        {
            for (int i = 0; i < StreamPromptTokens; i++)
            {
                batch.Add(RandomToken(), i, (LLamaSeqId)s, i == StreamPromptTokens - 1);
                if (batch.TokenCount == BatchTokens)
                {
                    Check(context.NativeHandle.Decode(batch));
                    batch.Clear();
                }
            }
        }
        if (batch.TokenCount > 0) Check(context.NativeHandle.Decode(batch));
        context.NativeHandle.Synchronize();

        long start = Stopwatch.GetTimestamp();
        for (int step = 0; step < StreamDecodeSteps; step++)
        {
            batch.Clear();
            for (int s = 0; s < Streams; s++) batch.Add(RandomToken(), StreamPromptTokens + step, (LLamaSeqId)s, true);
            Check(context.NativeHandle.Decode(batch));
            context.NativeHandle.Synchronize();
        }
        return Streams * StreamDecodeSteps / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode failed: {result}");
    }
}
