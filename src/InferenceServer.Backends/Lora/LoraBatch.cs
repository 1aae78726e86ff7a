namespace InferenceServer.Backends.Lora;

/// <summary>
/// Which adapter slot each row of a forward batch uses (-1: the base model only), filled by the runner's batch
/// builder once per step; the LoRA op groups rows by slot from it, as Punica's SGMV does by segment.
/// </summary>
public sealed class LoraBatch
{
    public LoraBatch(int maxTokens) => RowSlot = new int[maxTokens];

    /// <summary>Slot per batch row.</summary>
    public int[] RowSlot { get; }

    /// <summary>Rows in use.</summary>
    public int RowCount { get; set; }

    /// <summary>Whether any row in use has an adapter.</summary>
    public bool Any { get; set; }
}
