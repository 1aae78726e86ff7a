namespace InferenceServer.KvCache.Sequences;

/// <summary>The id under which the block manager knows a sequence (one per request).</summary>
public readonly record struct SequenceId(long Value);
