using InferenceServer.Engine.Requests;

namespace InferenceServer.Server.Sessions;

/// <summary>One engine output tagged with the choice it belongs to and the prompt that choice continues.</summary>
public readonly record struct ChoiceOutput(int Index, int PromptIndex, RequestOutput Output);
