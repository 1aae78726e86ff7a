using InferenceServer.Scheduling;

namespace InferenceServer.Engine.Runner;

/// <summary>
/// Turns the scheduler's record of a step into the runner's varlen batch: token ids, positions, KV slots,
/// block tables, context lengths, LoRA slots and the rows that need logits (the last computed token of each
/// item that samples). Copies values only; allocation-free.
/// </summary>
public static class BatchBuilder
{
    /// <summary>Fills <paramref name="batch"/>; logit rows follow the order of the items that produce a token.</summary>
    public static void Build(SchedulerOutput step, ForwardBatch batch, Adapters.LoraSlotManager? adapters = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(batch);
        var items = step.Items;
        var attention = batch.Attention;
        var lora = batch.Lora;
        lora.Any = false;
        // The record lays rows out item after item, exactly as the batch does.
        step.TokenIds.CopyTo(batch.TokenIds);
        step.SlotMapping.CopyTo(batch.SlotMapping);
        int logits = 0;
        for (int i = 0; i < items.Length; i++)
        {
            var item = items[i];
            int row = item.TokenOffset;
            attention.QueryStart[i] = row;
            int slot = adapters?.SlotOf(item.AdapterId) ?? -1;
            lora.Any |= slot >= 0;
            lora.RowSlot.AsSpan(row, item.NumNewTokens).Fill(slot);
            var positions = batch.Positions.AsSpan(row, item.NumNewTokens);
            for (int k = 0; k < positions.Length; k++) positions[k] = item.StartPosition + k;
            attention.ContextLength[i] = item.EndPosition;
            step.BlockTable(i).CopyTo(attention.BlockTable(i));
            if (item.ProducesToken) batch.LogitRows[logits++] = row + item.NumNewTokens - 1;
        }
        attention.SequenceCount = items.Length;
        attention.QueryStart[items.Length] = step.TotalNumTokens;
        lora.RowCount = step.TotalNumTokens;
        batch.LogitCount = logits;
    }
}
