namespace InferenceServer.Models.Config;

/// <summary>Names of the supported architectures in config.json (model_type, architectures) and GGUF (general.architecture).</summary>
public static class ArchitectureNames
{
    /// <summary>The architecture for a config.json model_type or GGUF general.architecture value.</summary>
    public static ModelArchitecture? FromModelType(string? modelType) => modelType?.ToLowerInvariant() switch
    {
        "llama" => ModelArchitecture.Llama,
        "mistral" => ModelArchitecture.Mistral,
        "qwen2" => ModelArchitecture.Qwen2,
        "qwen3" => ModelArchitecture.Qwen3,
        _ => null,
    };

    /// <summary>The architecture for a config.json architectures[] class name.</summary>
    public static ModelArchitecture? FromClassName(string? className) => className switch
    {
        "LlamaForCausalLM" => ModelArchitecture.Llama,
        "MistralForCausalLM" => ModelArchitecture.Mistral,
        "Qwen2ForCausalLM" => ModelArchitecture.Qwen2,
        "Qwen3ForCausalLM" => ModelArchitecture.Qwen3,
        _ => null,
    };

    /// <summary>The lower-case name used as config.json model_type and GGUF architecture.</summary>
    public static string ToModelType(ModelArchitecture a) => a switch
    {
        ModelArchitecture.Llama => "llama",
        ModelArchitecture.Mistral => "mistral",
        ModelArchitecture.Qwen2 => "qwen2",
        ModelArchitecture.Qwen3 => "qwen3",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>The Hugging Face class name written in config.json architectures.</summary>
    public static string ToClassName(ModelArchitecture a) => a switch
    {
        ModelArchitecture.Llama => "LlamaForCausalLM",
        ModelArchitecture.Mistral => "MistralForCausalLM",
        ModelArchitecture.Qwen2 => "Qwen2ForCausalLM",
        ModelArchitecture.Qwen3 => "Qwen3ForCausalLM",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public const string Supported = "llama, mistral, qwen2, qwen3";
}
