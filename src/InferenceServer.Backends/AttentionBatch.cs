namespace InferenceServer.Backends;

/// <summary>
/// Host-side description of the sequences in one forward pass, in the varlen layout attention kernels use:
/// the new tokens of sequence s are rows QueryStart[s]..QueryStart[s+1]-1 of the batch; they sit at the end of a
/// context of ContextLength[s] tokens whose K/V live in the paged cache at the blocks listed in BlockTables[s].
/// </summary>
public sealed class AttentionBatch
{
    public AttentionBatch(int maxSequences, int maxBlocksPerSequence)
    {
        QueryStart = new int[maxSequences + 1];
        ContextLength = new int[maxSequences];
        BlockTables = new int[maxSequences * maxBlocksPerSequence];
        MaxBlocksPerSequence = maxBlocksPerSequence;
    }

    /// <summary>Number of sequences in use.</summary>
    public int SequenceCount { get; set; }

    /// <summary>Prefix sums of new tokens per sequence (length SequenceCount + 1).</summary>
    public int[] QueryStart { get; }

    /// <summary>Tokens of context per sequence after this step's tokens are written (cached + new).</summary>
    public int[] ContextLength { get; }

    /// <summary>Row-major [sequence, MaxBlocksPerSequence] physical block ids.</summary>
    public int[] BlockTables { get; }

    public int MaxBlocksPerSequence { get; }

    /// <summary>Total new tokens in the batch.</summary>
    public int TokenCount => QueryStart[SequenceCount];

    /// <summary>
    /// The context decode attention is planned for (shared memory, split-K partitions): the longest context of the
    /// batch rounded up to a power of two, at least <see cref="MinPlannedContext"/>, at most what a block-table row
    /// holds. Steps in one bucket launch alike, so a CUDA graph captured for one serves the rest, while a short
    /// context is not planned as if it were the model's longest.
    /// </summary>
    public int PlannedContext(int blockSize)
    {
        int longest = 1;
        for (int s = 0; s < SequenceCount; s++) longest = Math.Max(longest, ContextLength[s]);
        int capacity = MaxBlocksPerSequence * blockSize;
        return Math.Min(capacity, Math.Max(MinPlannedContext, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)longest)));
    }

    /// <summary>The smallest bucket of <see cref="PlannedContext"/>.</summary>
    public const int MinPlannedContext = 256;

    /// <summary>The block table row of one sequence.</summary>
    public Span<int> BlockTable(int sequence) => BlockTables.AsSpan(sequence * MaxBlocksPerSequence, MaxBlocksPerSequence);
}
