namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>vLLM's <c>POST /v1/load_lora_adapter</c> body; load_inplace replaces an adapter of the same name.</summary>
public sealed record LoadLoraAdapterRequest(string? LoraName, string? LoraPath, bool? LoadInplace);

/// <summary>vLLM's <c>POST /v1/unload_lora_adapter</c> body (vLLM also accepts a lora_int_id, which names nothing here).</summary>
public sealed record UnloadLoraAdapterRequest(string? LoraName);
