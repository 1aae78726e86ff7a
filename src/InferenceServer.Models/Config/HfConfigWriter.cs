using System.Text.Json;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Config;

/// <summary>Writes a <see cref="ModelConfig"/> as Hugging Face config.json and generation_config.json.</summary>
public static class HfConfigWriter
{
    /// <summary>Writes both files into <paramref name="folder"/>; <paramref name="dtype"/> becomes torch_dtype.</summary>
    public static void Write(ModelConfig config, string folder, TensorDType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        File.WriteAllText(Path.Combine(folder, HfConfigReader.ConfigFileName), ConfigJson(config, dtype));
        File.WriteAllText(Path.Combine(folder, HfConfigReader.GenerationConfigFileName), GenerationConfigJson(config));
    }

    public static string ConfigJson(ModelConfig config, TensorDType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = new Dictionary<string, object?>
        {
            ["architectures"] = new[] { ArchitectureNames.ToClassName(config.Architecture) },
            ["model_type"] = ArchitectureNames.ToModelType(config.Architecture),
            ["hidden_act"] = "silu",
            ["hidden_size"] = config.HiddenSize,
            ["intermediate_size"] = config.IntermediateSize,
            ["num_hidden_layers"] = config.NumLayers,
            ["num_attention_heads"] = config.NumHeads,
            ["num_key_value_heads"] = config.NumKvHeads,
            ["head_dim"] = config.HeadDim,
            ["vocab_size"] = config.VocabSize,
            ["max_position_embeddings"] = config.MaxPositionEmbeddings,
            ["rms_norm_eps"] = config.RmsNormEps,
            ["rope_theta"] = config.RopeTheta,
            ["rope_scaling"] = config.RopeScaling is { } s
                ? new Dictionary<string, object>
                {
                    ["rope_type"] = "llama3",
                    ["factor"] = s.Factor,
                    ["low_freq_factor"] = s.LowFreqFactor,
                    ["high_freq_factor"] = s.HighFreqFactor,
                    ["original_max_position_embeddings"] = s.OriginalMaxPositionEmbeddings,
                }
                : null,
            ["tie_word_embeddings"] = config.TieWordEmbeddings,
            ["attention_bias"] = config.AttentionBias,
            ["bos_token_id"] = config.BosTokenId,
            ["eos_token_id"] = EosValue(config),
            ["torch_dtype"] = dtype switch { TensorDType.F16 => "float16", TensorDType.BF16 => "bfloat16", _ => "float32" },
        };
        if (config.Architecture == ModelArchitecture.Mistral) o["sliding_window"] = config.SlidingWindow;
        if (config.Architecture is ModelArchitecture.Qwen2 or ModelArchitecture.Qwen3)
        {
            o["use_sliding_window"] = config.SlidingWindow is not null;
            o["sliding_window"] = config.SlidingWindow;
        }
        return JsonSerializer.Serialize(o, Options);
    }

    public static string GenerationConfigJson(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = new Dictionary<string, object?> { ["bos_token_id"] = config.BosTokenId, ["eos_token_id"] = EosValue(config) };
        return JsonSerializer.Serialize(o, Options);
    }

    private static object? EosValue(ModelConfig c) => c.EosTokenIds.Count switch
    {
        0 => null,
        1 => c.EosTokenIds[0],
        _ => c.EosTokenIds.ToArray(),
    };

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
}
