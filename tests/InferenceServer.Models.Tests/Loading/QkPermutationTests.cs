using InferenceServer.Models.Config;
using InferenceServer.Models.Loading;

namespace InferenceServer.Models.Tests.Loading;

public class QkPermutationTests
{
    [Fact]
    public void Matches_the_reshape_swapaxes_definition()
    {
        // w.reshape(n_head, 2, d/2, n_in).swapaxes(1, 2): GGUF row (h, i, s) holds HF row (h, s, i).
        const int heads = 3, headDim = 8;
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < headDim / 2; i++)
                for (int s = 0; s < 2; s++)
                {
                    long gguf = h * headDim + i * 2 + s, hf = h * headDim + s * (headDim / 2) + i;
                    Assert.Equal(hf, QkPermutation.HfRowOf(gguf, headDim));
                    Assert.Equal(gguf, QkPermutation.GgufRowOf(hf, headDim));
                }
    }

    [Fact]
    public void Forward_then_inverse_restores_the_rows()
    {
        const int rows = 4 * 16, rowBytes = 3;
        var hf = new byte[rows * rowBytes];
        new Random(1).NextBytes(hf);
        var gguf = new byte[hf.Length];
        var back = new byte[hf.Length];
        QkPermutation.PermuteRows(hf, gguf, rows, rowBytes, heads: 4, toGguf: true);
        QkPermutation.PermuteRows(gguf, back, rows, rowBytes, heads: 4, toGguf: false);
        Assert.NotEqual(hf, gguf);
        Assert.Equal(hf, back);
    }

    [Fact]
    public void Applies_to_llama_and_mistral_q_and_k_only()
    {
        var llama = new ModelConfig
        {
            Architecture = ModelArchitecture.Llama, HiddenSize = 64, IntermediateSize = 1, NumLayers = 1,
            NumHeads = 8, NumKvHeads = 2, HeadDim = 8, VocabSize = 1, MaxPositionEmbeddings = 1,
        };
        Assert.Equal(8, QkPermutation.HeadsFor("model.layers.3.self_attn.q_proj.weight", llama));
        Assert.Equal(2, QkPermutation.HeadsFor("model.layers.3.self_attn.k_proj.bias", llama));
        Assert.Null(QkPermutation.HeadsFor("model.layers.3.self_attn.v_proj.weight", llama));
        Assert.Equal(8, QkPermutation.HeadsFor("model.layers.0.self_attn.q_proj.weight", llama with { Architecture = ModelArchitecture.Mistral }));
        Assert.Null(QkPermutation.HeadsFor("model.layers.0.self_attn.q_proj.weight", llama with { Architecture = ModelArchitecture.Qwen2 }));
        Assert.Null(QkPermutation.HeadsFor("model.layers.0.self_attn.k_proj.weight", llama with { Architecture = ModelArchitecture.Qwen3 }));
    }

    [Theory]
    [InlineData("token_embd.weight", "model.embed_tokens.weight")]
    [InlineData("output_norm.weight", "model.norm.weight")]
    [InlineData("output.weight", "lm_head.weight")]
    [InlineData("blk.0.attn_norm.weight", "model.layers.0.input_layernorm.weight")]
    [InlineData("blk.12.attn_q.weight", "model.layers.12.self_attn.q_proj.weight")]
    [InlineData("blk.1.attn_k.bias", "model.layers.1.self_attn.k_proj.bias")]
    [InlineData("blk.1.attn_v.weight", "model.layers.1.self_attn.v_proj.weight")]
    [InlineData("blk.1.attn_output.weight", "model.layers.1.self_attn.o_proj.weight")]
    [InlineData("blk.2.attn_q_norm.weight", "model.layers.2.self_attn.q_norm.weight")]
    [InlineData("blk.2.attn_k_norm.weight", "model.layers.2.self_attn.k_norm.weight")]
    [InlineData("blk.3.ffn_norm.weight", "model.layers.3.post_attention_layernorm.weight")]
    [InlineData("blk.3.ffn_gate.weight", "model.layers.3.mlp.gate_proj.weight")]
    [InlineData("blk.3.ffn_up.weight", "model.layers.3.mlp.up_proj.weight")]
    [InlineData("blk.3.ffn_down.weight", "model.layers.3.mlp.down_proj.weight")]
    public void Tensor_names_map_both_ways(string gguf, string hf)
    {
        Assert.Equal(hf, GgufTensorNames.ToHuggingFace(gguf));
        Assert.Equal(gguf, GgufTensorNames.ToGguf(hf));
    }

    [Fact]
    public void Unknown_names_have_no_mapping()
    {
        Assert.Null(GgufTensorNames.ToHuggingFace("rope_freqs.weight"));
        Assert.Null(GgufTensorNames.ToGguf("model.layers.0.self_attn.rotary_emb.inv_freq"));
    }
}
