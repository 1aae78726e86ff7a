using InferenceServer.Models.Config;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Loading;

/// <summary>The tensors (Hugging Face names and shapes) a model of a given config must have.</summary>
public static class ExpectedTensors
{
    /// <summary>Every required tensor with its shape; lm_head.weight is listed only when embeddings are not tied.</summary>
    public static IEnumerable<(string Name, long[] Shape)> For(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long h = config.HiddenSize, q = (long)config.NumHeads * config.HeadDim, kv = (long)config.NumKvHeads * config.HeadDim;
        long inter = config.IntermediateSize;
        yield return (TiedEmbeddings.EmbeddingName, [config.VocabSize, h]);
        yield return ("model.norm.weight", [h]);
        if (!config.TieWordEmbeddings) yield return (TiedEmbeddings.LmHeadName, [config.VocabSize, h]);
        for (int i = 0; i < config.NumLayers; i++)
        {
            string p = $"model.layers.{i}.";
            yield return (p + "input_layernorm.weight", [h]);
            yield return (p + "self_attn.q_proj.weight", [q, h]);
            yield return (p + "self_attn.k_proj.weight", [kv, h]);
            yield return (p + "self_attn.v_proj.weight", [kv, h]);
            yield return (p + "self_attn.o_proj.weight", [h, q]);
            if (config.AttentionBias)
            {
                yield return (p + "self_attn.q_proj.bias", [q]);
                yield return (p + "self_attn.k_proj.bias", [kv]);
                yield return (p + "self_attn.v_proj.bias", [kv]);
            }
            if (config.QkNorm)
            {
                yield return (p + "self_attn.q_norm.weight", [config.HeadDim]);
                yield return (p + "self_attn.k_norm.weight", [config.HeadDim]);
            }
            yield return (p + "post_attention_layernorm.weight", [h]);
            yield return (p + "mlp.gate_proj.weight", [inter, h]);
            yield return (p + "mlp.up_proj.weight", [inter, h]);
            yield return (p + "mlp.down_proj.weight", [h, inter]);
        }
    }
}
