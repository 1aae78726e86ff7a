namespace InferenceServer.Scheduling;

/// <summary>
/// One request's share of a step: compute positions [<see cref="StartPosition"/>, +<see cref="NumNewTokens"/>)
/// of <see cref="ScheduledRequest.AllTokens"/>; sample a token afterwards when <see cref="ProducesToken"/>.
/// </summary>
public readonly record struct ScheduledItem(ScheduledRequest Request, int StartPosition, int NumNewTokens, bool IsPrefill, bool ProducesToken);
