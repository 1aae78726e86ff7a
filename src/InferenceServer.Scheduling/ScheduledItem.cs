namespace InferenceServer.Scheduling;

/// <summary>
/// One request's share of a step, as plain values: compute positions [<see cref="StartPosition"/>,
/// <see cref="EndPosition"/>) of request <see cref="RequestId"/>; sample a token afterwards when
/// <see cref="ProducesToken"/>.
/// </summary>
/// <param name="RequestId">The request the positions belong to.</param>
/// <param name="AdapterId">Cache id of the request's LoRA adapter; null for the base model.</param>
/// <param name="StartPosition">First position computed this step (the KV before it exists already).</param>
/// <param name="NumNewTokens">Positions computed this step.</param>
/// <param name="IsPrefill">False only for a one-token decode of a request that has generated before.</param>
/// <param name="ProducesToken">Whether the last position computed is the request's last token, so it samples.</param>
/// <param name="TokenOffset">
/// The item's first row in <see cref="SchedulerOutput.TokenIds"/> and <see cref="SchedulerOutput.SlotMapping"/>
/// (its <see cref="NumNewTokens"/> rows follow).
/// </param>
/// <param name="BlockOffset">Where the item's block table starts in the output's flat block ids.</param>
/// <param name="BlockCount">Blocks in the item's table: those that hold positions [0, <see cref="EndPosition"/>).</param>
public readonly record struct ScheduledItem(
    long RequestId,
    string? AdapterId,
    int StartPosition,
    int NumNewTokens,
    bool IsPrefill,
    bool ProducesToken,
    int TokenOffset,
    int BlockOffset,
    int BlockCount)
{
    /// <summary>One past the last position computed: the context length attention sees for this item.</summary>
    public int EndPosition => StartPosition + NumNewTokens;
}
