namespace InferenceServer.Models.Config;

/// <summary>Decoder-only transformer families the engine runs.</summary>
public enum ModelArchitecture
{
    /// <summary>Llama 1/2/3 (incl. Llama 3 rope scaling).</summary>
    Llama,
    /// <summary>Mistral: Llama layout plus an optional sliding attention window.</summary>
    Mistral,
    /// <summary>Qwen2 / Qwen2.5: bias on the q/k/v projections.</summary>
    Qwen2,
    /// <summary>Qwen3: RMSNorm on each q and k head, no qkv bias.</summary>
    Qwen3,
}
