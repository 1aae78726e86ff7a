using System.Text.RegularExpressions;

namespace InferenceServer.Models.Loading;

/// <summary>Maps llama.cpp's GGUF tensor names to Hugging Face names and back.</summary>
public static partial class GgufTensorNames
{
    private static readonly (string Gguf, string Hf)[] Globals =
    [
        ("token_embd.weight", "model.embed_tokens.weight"),
        ("output_norm.weight", "model.norm.weight"),
        ("output.weight", "lm_head.weight"),
    ];

    private static readonly (string Gguf, string Hf)[] LayerParts =
    [
        ("attn_norm", "input_layernorm"),
        ("attn_q", "self_attn.q_proj"),
        ("attn_k", "self_attn.k_proj"),
        ("attn_v", "self_attn.v_proj"),
        ("attn_output", "self_attn.o_proj"),
        ("attn_q_norm", "self_attn.q_norm"),
        ("attn_k_norm", "self_attn.k_norm"),
        ("ffn_norm", "post_attention_layernorm"),
        ("ffn_gate", "mlp.gate_proj"),
        ("ffn_up", "mlp.up_proj"),
        ("ffn_down", "mlp.down_proj"),
    ];

    [GeneratedRegex(@"^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$")]
    private static partial Regex GgufLayerName();

    [GeneratedRegex(@"^model\.layers\.(\d+)\.([a-z_.]+)\.(weight|bias)$")]
    private static partial Regex HfLayerName();

    /// <summary>The Hugging Face name for a GGUF tensor name, or null when it has none (e.g. rope_freqs.weight).</summary>
    public static string? ToHuggingFace(string ggufName)
    {
        foreach (var (g, h) in Globals) if (g == ggufName) return h;
        var m = GgufLayerName().Match(ggufName);
        if (!m.Success) return null;
        foreach (var (g, h) in LayerParts)
            if (g == m.Groups[2].Value) return $"model.layers.{m.Groups[1].Value}.{h}.{m.Groups[3].Value}";
        return null;
    }

    /// <summary>The GGUF name for a Hugging Face tensor name, or null when it has none.</summary>
    public static string? ToGguf(string hfName)
    {
        foreach (var (g, h) in Globals) if (h == hfName) return g;
        var m = HfLayerName().Match(hfName);
        if (!m.Success) return null;
        foreach (var (g, h) in LayerParts)
            if (h == m.Groups[2].Value) return $"blk.{m.Groups[1].Value}.{g}.{m.Groups[3].Value}";
        return null;
    }
}
