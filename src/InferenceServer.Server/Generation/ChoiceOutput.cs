using InferenceServer.Engine.Batching;

namespace InferenceServer.Server.Generation;

/// <summary>One engine output tagged with the choice it belongs to and the prompt that choice continues.</summary>
public readonly record struct ChoiceOutput(int Index, int PromptIndex, RequestOutput Output);
