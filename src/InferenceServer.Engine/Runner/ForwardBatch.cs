using InferenceServer.Backends;
using InferenceServer.Backends.Lora;

namespace InferenceServer.Engine.Runner;

/// <summary>
/// The inputs of one forward pass, reused step after step: token ids, their positions and KV slots, the
/// per-sequence attention layout, and which rows need logits (usually the last token of each sequence).
/// </summary>
public sealed class ForwardBatch
{
    public ForwardBatch(int maxTokens, int maxSequences, int maxBlocksPerSequence)
    {
        TokenIds = new int[maxTokens];
        Positions = new int[maxTokens];
        SlotMapping = new int[maxTokens];
        LogitRows = new int[maxSequences];
        Attention = new AttentionBatch(maxSequences, maxBlocksPerSequence);
        Lora = new LoraBatch(maxTokens);
    }

    public int[] TokenIds { get; }
    public int[] Positions { get; }
    public int[] SlotMapping { get; }
    public int[] LogitRows { get; }
    public AttentionBatch Attention { get; }

    /// <summary>The LoRA adapter slot of each row (all -1 / <see cref="LoraBatch.Any"/> false without adapters).</summary>
    public LoraBatch Lora { get; }

    /// <summary>Rows of <see cref="LogitRows"/> in use.</summary>
    public int LogitCount { get; set; }

    public int TokenCount => Attention.TokenCount;

    /// <summary>
    /// Lays the batch out as one sequence of <paramref name="tokens"/> new tokens ending a context of
    /// <paramref name="contextLength"/>, with logits for row <paramref name="logitRow"/> (none when negative).
    /// Token ids, positions, slots and the block table row 0 are the caller's.
    /// </summary>
    public void SetSingleSequence(int tokens, int contextLength, int logitRow)
    {
        var a = Attention;
        a.SequenceCount = 1;
        a.QueryStart[0] = 0;
        a.QueryStart[1] = tokens;
        a.ContextLength[0] = contextLength;
        LogitCount = logitRow >= 0 ? 1 : 0;
        LogitRows[0] = Math.Max(0, logitRow);
    }
    public int MaxTokens => TokenIds.Length;
}
