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

    /// <summary>The block table row of one sequence.</summary>
    public Span<int> BlockTable(int sequence) => BlockTables.AsSpan(sequence * MaxBlocksPerSequence, MaxBlocksPerSequence);
}
