using InferenceServer.Engine.Outputs;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary>The wire name of an optional finish reason (null while a choice is still generating).</summary>
public static class FinishReasonWire
{
    public static string? ToWireName(this FinishReason? reason) => reason is { } r ? r.ToWire() : null;
}
