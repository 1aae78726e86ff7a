namespace InferenceServer.Scheduling;

/// <summary>
/// The plain record of one step that the runner turns into a batch: the items, and flat copies of their token
/// ids, KV slots and block tables. It holds values only (no block manager, no live request), so the runner
/// cannot reach back into the scheduler's state. One instance is reused every step: read it before the next
/// <see cref="Scheduler.Step"/>.
/// </summary>
/// <remarks>
/// The arrays are sized once from the scheduler's limits, so filling them never allocates. Rows are laid out
/// item after item, as the runner's varlen batch is, so the runner copies token ids and slots in one go.
/// </remarks>
public sealed class SchedulerOutput
{
    private readonly int _blockSize;
    private readonly ScheduledItem[] _items;
    private readonly int[] _tokenIds;
    private readonly int[] _slotMapping;
    private readonly int[] _blockIds;
    private int _itemCount;
    private int _blockIdCount;

    internal SchedulerOutput(int blockSize, int maxNumSeqs, int maxNumBatchedTokens, int maxBlocksPerSequence)
    {
        _blockSize = blockSize;
        _items = new ScheduledItem[maxNumSeqs];
        _tokenIds = new int[maxNumBatchedTokens];
        _slotMapping = new int[maxNumBatchedTokens];
        // Each running request appears at most once per step, with at most its whole table.
        _blockIds = new int[checked(maxNumSeqs * maxBlocksPerSequence)];
        PreemptedIds = new List<long>(maxNumSeqs);
        FinishedIds = new List<long>(maxNumSeqs);
    }

    /// <summary>Requests to compute this step, most important first.</summary>
    public ReadOnlySpan<ScheduledItem> Items => _items.AsSpan(0, _itemCount);

    /// <summary>Requests that lost their blocks this step: the runner drops their state.</summary>
    public List<long> PreemptedIds { get; }

    /// <summary>Requests that finished or were cancelled since the previous step: the runner drops their state.</summary>
    public List<long> FinishedIds { get; }

    /// <summary>Tokens computed this step, at most the token budget.</summary>
    public int TotalNumTokens { get; private set; }

    /// <summary>Token id of every row: each item's new positions, item after item.</summary>
    public ReadOnlySpan<int> TokenIds => _tokenIds.AsSpan(0, TotalNumTokens);

    /// <summary>KV slot (block * block size + offset) each row's key and value are written to.</summary>
    public ReadOnlySpan<int> SlotMapping => _slotMapping.AsSpan(0, TotalNumTokens);

    /// <summary>The item's block table as it was when the step was scheduled: the blocks of positions [0, end).</summary>
    public ReadOnlySpan<int> BlockTable(int itemIndex)
    {
        var item = Items[itemIndex];
        return _blockIds.AsSpan(item.BlockOffset, item.BlockCount);
    }

    /// <summary>
    /// Appends an item with copies of its new tokens, their slots and the part of
    /// <paramref name="blockTable"/> that holds positions up to the item's end.
    /// </summary>
    internal void Add(long requestId, string? adapterId, int start, ReadOnlySpan<int> newTokens, bool isPrefill, bool producesToken,
        ReadOnlySpan<int> blockTable)
    {
        int row = TotalNumTokens;
        int end = start + newTokens.Length;
        int blocks = (end + _blockSize - 1) / _blockSize;
        newTokens.CopyTo(_tokenIds.AsSpan(row));
        blockTable[..blocks].CopyTo(_blockIds.AsSpan(_blockIdCount));
        var slots = _slotMapping.AsSpan(row, newTokens.Length);
        for (int k = 0; k < slots.Length; k++)
        {
            int p = start + k;
            slots[k] = blockTable[p / _blockSize] * _blockSize + p % _blockSize;
        }
        _items[_itemCount++] = new ScheduledItem(requestId, adapterId, start, newTokens.Length, isPrefill, producesToken, row, _blockIdCount, blocks);
        _blockIdCount += blocks;
        TotalNumTokens += newTokens.Length;
    }

    internal void Clear()
    {
        _itemCount = 0;
        _blockIdCount = 0;
        PreemptedIds.Clear();
        FinishedIds.Clear();
        TotalNumTokens = 0;
    }
}
