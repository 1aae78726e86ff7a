using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Engine.Generation;

/// <summary>
/// One generated token: its id, the text it completes (may be empty while a UTF-8 character or a possible stop
/// string is incomplete), its sample details, and the finish reason on the last event.
/// </summary>
public readonly record struct GenerationEvent(int TokenId, string TextDelta, SampledToken Sample, FinishReason? Finish);
