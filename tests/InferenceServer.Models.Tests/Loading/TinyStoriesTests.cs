using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Quantization;
using InferenceServer.Models.Weights;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Loading;

/// <summary>The bundled TinyStories-656K, as safetensors and as llama.cpp's Q8_0 GGUF of the same weights.</summary>
public class TinyStoriesTests
{
    [Fact]
    public void Loads_the_safetensors_model_with_its_config()
    {
        using var model = ModelLoader.Load(SharedModels.TinyStories);

        var c = model.Config;
        Assert.Equal(ModelSourceKind.HuggingFace, model.Kind);
        Assert.Equal("tinystories-656k", model.Name);
        Assert.Equal(ModelArchitecture.Llama, c.Architecture);
        Assert.Equal((128, 384, 2, 8, 4, 16, 2048, 512), (c.HiddenSize, c.IntermediateSize, c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.VocabSize, c.MaxPositionEmbeddings));
        Assert.Equal(1e-6, c.RmsNormEps);
        Assert.Equal(10000.0, c.RopeTheta);
        Assert.Null(c.RopeScaling);
        Assert.True(c.TieWordEmbeddings);
        Assert.False(c.AttentionBias);
        Assert.False(c.QkNorm);
        Assert.Equal(1, c.BosTokenId);
        Assert.Equal([2], c.EosTokenIds);
    }

    [Fact]
    public unsafe void Tied_embedding_alias_points_at_the_stored_lm_head()
    {
        using var model = ModelLoader.Load(SharedModels.TinyStories);

        Assert.True(model.Weights.TryGet("lm_head.weight", out var head));
        Assert.True(model.Weights.TryGet("model.embed_tokens.weight", out var embed));
        Assert.Equal([2048L, 128L], embed.Shape);
        Assert.Equal(TensorDType.F32, embed.DType);
        Assert.True(embed.Data == head.Data, "the alias must share the stored bytes");
        Assert.Contains("model.embed_tokens.weight", model.Weights.Names);
        Assert.True(model.Weights.TryGet("model.layers.1.self_attn.k_proj.weight", out var k));
        Assert.Equal([64L, 128L], k.Shape);
        Assert.Equal(64 * 128 * 4, k.ByteLength);
    }

    [Fact]
    public void Loads_the_q8_0_gguf_with_the_same_config()
    {
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        using var gguf = ModelLoader.Load(SharedModels.TinyStoriesQ8Gguf);

        Assert.Equal(ModelSourceKind.Gguf, gguf.Kind);
        var (a, b) = (hf.Config, gguf.Config);
        Assert.Equal(a with { RmsNormEps = 0 }, b with { RmsNormEps = 0, EosTokenIds = a.EosTokenIds });
        Assert.Equal(a.EosTokenIds, b.EosTokenIds);
        Assert.Equal(1e-6, b.RmsNormEps, 1e-12); // stored as f32 in GGUF
        Assert.True(gguf.Weights.TryGet("model.embed_tokens.weight", out var embed));
        Assert.Equal(TensorDType.Q8_0, embed.DType);
        Assert.Equal([2048L, 128L], embed.Shape);
        Assert.True(gguf.Weights.TryGet("model.layers.0.self_attn.q_proj.weight", out var q));
        Assert.Equal(TensorDType.Q8_0, q.DType);
        Assert.True(gguf.Weights.TryGet("model.norm.weight", out var norm));
        Assert.Equal(TensorDType.F32, norm.DType);
        Assert.False(gguf.Weights.TryGet("lm_head.weight", out _));
    }

    [Fact]
    public void Q8_0_gguf_weights_match_the_safetensors_within_quantization_error()
    {
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        using var gguf = ModelLoader.Load(SharedModels.TinyStoriesQ8Gguf);

        foreach (var (name, _) in ExpectedTensors.For(hf.Config))
        {
            Assert.True(hf.Weights.TryGet(name, out var exact));
            Assert.True(gguf.Weights.TryGet(name, out var quantized));
            float[] x = exact.ToFloat32(), y = quantized.ToFloat32();
            if (quantized.DType == TensorDType.F32)
            {
                Assert.Equal(x, y);
                continue;
            }
            Assert.Equal(TensorDType.Q8_0, quantized.DType);
            AssertWithinQ8Error(x, y, name);
        }
    }

    [Fact]
    public void Unpermuted_q_and_k_rows_match_and_the_raw_gguf_rows_do_not()
    {
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        using var gguf = ModelLoader.Load(SharedModels.TinyStoriesQ8Gguf);
        using var raw = Models.Gguf.GgufFile.Open(SharedModels.TinyStoriesQ8Gguf);

        foreach (var (hfName, ggufName) in new[] { ("model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight"), ("model.layers.1.self_attn.k_proj.weight", "blk.1.attn_k.weight") })
        {
            Assert.True(hf.Weights.TryGet(hfName, out var exact));
            Assert.True(gguf.Weights.TryGet(hfName, out var unpermuted));
            Assert.True(raw.TryGet(ggufName, out var stored));
            float[] x = exact.ToFloat32();
            AssertWithinQ8Error(x, unpermuted.ToFloat32(), hfName);
            // Without undoing llama.cpp's reordering most rows are someone else's: the check above is not vacuous.
            float[] s = stored.ToFloat32();
            Assert.True(MaxAbsDiff(x, s) > 10 * MaxAbsDiff(x, unpermuted.ToFloat32()), hfName);
        }
    }

    [Fact]
    public void Our_q8_0_quantizer_reproduces_llama_cpp_bytes()
    {
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        using var gguf = ModelLoader.Load(SharedModels.TinyStoriesQ8Gguf);

        foreach (string name in new[] { "model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight" })
        {
            Assert.True(hf.Weights.TryGet(name, out var exact));
            Assert.True(gguf.Weights.TryGet(name, out var quantized));
            var ours = new byte[quantized.ByteLength];
            Q8_0.Quantize(exact.ToFloat32(), ours);
            Assert.Equal(quantized.Bytes.ToArray(), ours);
        }
    }

    /// <summary>Each value within 0.5 step of its block's scale d = amax/127 (plus fp16 rounding of d).</summary>
    internal static void AssertWithinQ8Error(float[] exact, float[] quantized, string name)
    {
        Assert.Equal(exact.Length, quantized.Length);
        for (int b = 0; b < exact.Length; b += 32)
        {
            float amax = 0;
            for (int j = b; j < b + 32; j++) amax = MathF.Max(amax, MathF.Abs(exact[j]));
            float bound = 0.5f * amax / 127 + amax * 1e-3f + 1e-7f;
            for (int j = b; j < b + 32; j++)
                Assert.True(MathF.Abs(exact[j] - quantized[j]) <= bound,
                    $"{name}[{j}]: {quantized[j]} vs {exact[j]} (bound {bound})");
        }
    }

    internal static float MaxAbsDiff(float[] a, float[] b)
    {
        float m = 0;
        for (int i = 0; i < a.Length; i++) m = MathF.Max(m, MathF.Abs(a[i] - b[i]));
        return m;
    }
}
