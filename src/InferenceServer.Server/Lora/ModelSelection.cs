namespace InferenceServer.Server.Lora;

/// <summary>What a request's "model" field chose: the id to echo back, and the LoRA adapter (null: the base model).</summary>
public sealed record ModelSelection(string Id, string? Adapter);
