using InferenceServer.Engine.Requests;

namespace InferenceServer.Server.Sessions;

/// <summary>One engine sequence of an API request: choice index, which prompt it continues, and the engine request.</summary>
public sealed record SequenceSpec(int Index, int PromptIndex, EngineRequest Request);
