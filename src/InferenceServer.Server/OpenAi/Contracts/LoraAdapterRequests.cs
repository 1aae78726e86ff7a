namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>vLLM's <c>POST /v1/load_lora_adapter</c> body.</summary>
public sealed record LoadLoraAdapterRequest(string? LoraName, string? LoraPath);

/// <summary>vLLM's <c>POST /v1/unload_lora_adapter</c> body (vLLM also accepts a lora_int_id, which names nothing here).</summary>
public sealed record UnloadLoraAdapterRequest(string? LoraName);
