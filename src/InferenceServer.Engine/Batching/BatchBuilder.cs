using InferenceServer.Engine.Model;
using InferenceServer.Scheduling;

namespace InferenceServer.Engine.Batching;

/// <summary>
/// Turns the scheduler's record of a step into the runner's varlen batch: token ids, positions, KV slots,
/// block tables, context lengths and the rows that need logits (the last computed token of each item that
/// samples). Allocation-free.
/// </summary>
public static class BatchBuilder
{
    /// <summary>Fills <paramref name="batch"/>; logit rows follow the order of the items that produce a token.</summary>
    public static void Build(SchedulerOutput step, ForwardBatch batch, int blockSize, Adapters.LoraSlotManager? adapters = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(batch);
        var items = step.Items;
        var attention = batch.Attention;
        var lora = batch.Lora;
        lora.Any = false;
        int row = 0, logits = 0;
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var tokens = item.Request.AllTokens;
            var blocks = step.BlockTable(i);
            int end = item.StartPosition + item.NumNewTokens;
            attention.QueryStart[i] = row;
            int slot = adapters?.SlotOf(item.Request.Namespace.AdapterId) ?? -1;
            lora.Any |= slot >= 0;
            for (int p = item.StartPosition; p < end; p++, row++)
            {
                lora.RowSlot[row] = slot;
                batch.TokenIds[row] = tokens[p];
                batch.Positions[row] = p;
                batch.SlotMapping[row] = blocks[p / blockSize] * blockSize + p % blockSize;
            }
            attention.ContextLength[i] = end;
            int used = (end + blockSize - 1) / blockSize;
            blocks[..used].CopyTo(attention.BlockTable(i));
            if (item.ProducesToken) batch.LogitRows[logits++] = row - 1;
        }
        attention.SequenceCount = items.Count;
        attention.QueryStart[items.Count] = row;
        lora.RowCount = row;
        batch.LogitCount = logits;
    }
}
