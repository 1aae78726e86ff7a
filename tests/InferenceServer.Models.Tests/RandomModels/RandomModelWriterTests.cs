using System.Text.Json;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Loading;
using InferenceServer.Models.RandomModels;
using InferenceServer.Models.Tests.Loading;
using InferenceServer.Models.Weights;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.RandomModels;

public class RandomModelWriterTests
{
    private static readonly ModelShape TinyLlama = new("tiny-llama", new ModelConfig
    {
        Architecture = ModelArchitecture.Llama,
        HiddenSize = 64, IntermediateSize = 96, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, HeadDim = 16,
        VocabSize = 300, MaxPositionEmbeddings = 256, RmsNormEps = 1e-5, BosTokenId = 1, EosTokenIds = [2],
    }, TokenizerFiles.Llama2Spm);

    private static readonly ModelShape TinyQwen2 = new("tiny-qwen2", TinyLlama.Config with
    {
        Architecture = ModelArchitecture.Qwen2, TieWordEmbeddings = true, AttentionBias = true,
    }, TokenizerFiles.Qwen3);

    private static readonly ModelShape TinyQwen3 = new("tiny-qwen3", TinyQwen2.Config with { Architecture = ModelArchitecture.Qwen3, HeadDim = 32, AttentionBias = false, QkNorm = true }, TokenizerFiles.Qwen3);

    [Fact]
    public void Hugging_face_output_loads_with_the_shape_and_expected_statistics()
    {
        using var dir = new TempDirectory();
        RandomModelWriter.WriteHuggingFace(TinyLlama, dir.Path, TensorDType.F32, seed: 7, SharedModels.Tokenizers);

        using var model = ModelLoader.Load(dir.Path);
        Assert.Equal(TinyLlama.Config, model.Config with { EosTokenIds = TinyLlama.Config.EosTokenIds });
        Assert.Equal([2], model.Config.EosTokenIds);
        Assert.True(model.Weights.TryGet("lm_head.weight", out var head)); // untied
        Assert.Equal([300L, 64L], head.Shape);
        Assert.True(model.Weights.TryGet("model.layers.1.post_attention_layernorm.weight", out var norm));
        Assert.All(norm.ToFloat32(), v => Assert.Equal(1f, v));

        var all = ExpectedTensors.For(model.Config).Where(t => !RandomModelWriter.IsNorm(t.Name))
            .SelectMany(t => { Assert.True(model.Weights.TryGet(t.Name, out var w)); return w.ToFloat32(); }).ToArray();
        double mean = all.Average(v => (double)v);
        double std = Math.Sqrt(all.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.0195, 0.0205);
        Assert.InRange(all.Count(v => Math.Abs(v) > 0.04) / (double)all.Length, 0.040, 0.051); // 2 sigma tail: 4.55%

        Assert.Equal(499_723, new FileInfo(dir.File("tokenizer.model")).Length);
        Assert.False(new FileInfo(dir.File("tokenizer.model")).IsReadOnly); // the shared fixture is read-only; the copy must not be
        using var tc = JsonDocument.Parse(File.ReadAllText(dir.File("tokenizer_config.json")));
        Assert.Equal("<s>", tc.RootElement.GetProperty("bos_token").GetString());
        Assert.Equal("</s>", tc.RootElement.GetProperty("added_tokens_decoder").GetProperty("2").GetProperty("content").GetString());
    }

    [Fact]
    public void Same_seed_gives_the_same_file_and_another_seed_does_not()
    {
        using var dir = new TempDirectory();
        RandomModelWriter.WriteHuggingFace(TinyLlama, dir.File("a"), TensorDType.BF16, 1, SharedModels.Tokenizers);
        RandomModelWriter.WriteHuggingFace(TinyLlama, dir.File("b"), TensorDType.BF16, 1, SharedModels.Tokenizers);
        RandomModelWriter.WriteHuggingFace(TinyLlama, dir.File("c"), TensorDType.BF16, 2, SharedModels.Tokenizers);
        byte[] a = File.ReadAllBytes(dir.File("a/model.safetensors"));
        Assert.Equal(a, File.ReadAllBytes(dir.File("b/model.safetensors")));
        Assert.NotEqual(a, File.ReadAllBytes(dir.File("c/model.safetensors")));
        using var model = ModelLoader.Load(dir.File("a"));
        Assert.True(model.Weights.TryGet("model.layers.0.mlp.up_proj.weight", out var up));
        Assert.Equal(TensorDType.BF16, up.DType);
    }

    [Theory]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void Gguf_f32_with_the_same_seed_loads_identical_to_the_hugging_face_copy(string shapeName)
    {
        var shape = new[] { TinyLlama, TinyQwen2, TinyQwen3 }.Single(s => s.Name == shapeName);
        using var dir = new TempDirectory();
        RandomModelWriter.WriteHuggingFace(shape, dir.File("hf"), TensorDType.F32, 3, SharedModels.Tokenizers);
        RandomModelWriter.WriteGguf(shape, dir.File("m.gguf"), TensorDType.F32, 3);

        using var hf = ModelLoader.Load(dir.File("hf"));
        using var gguf = ModelLoader.Load(dir.File("m.gguf"));
        Assert.Equal(hf.Config with { RmsNormEps = 0 }, gguf.Config with { RmsNormEps = 0, EosTokenIds = hf.Config.EosTokenIds });
        foreach (var (name, _) in ExpectedTensors.For(hf.Config))
        {
            Assert.True(hf.Weights.TryGet(name, out var a));
            Assert.True(gguf.Weights.TryGet(name, out var b));
            Assert.True(a.Bytes.SequenceEqual(b.Bytes), name);
        }
    }

    [Fact]
    public void Gguf_q8_0_loads_with_q8_0_matrices_close_to_the_f32_values()
    {
        using var dir = new TempDirectory();
        var shape = TinyLlama with { Config = TinyLlama.Config with { IntermediateSize = 128 } }; // whole 32-value blocks everywhere
        RandomModelWriter.WriteHuggingFace(shape, dir.File("hf"), TensorDType.F32, 5, SharedModels.Tokenizers);
        RandomModelWriter.WriteGguf(shape, dir.File("q8.gguf"), TensorDType.Q8_0, 5);

        using var hf = ModelLoader.Load(dir.File("hf"));
        using var q8 = ModelLoader.Load(dir.File("q8.gguf"));
        foreach (var (name, s) in ExpectedTensors.For(hf.Config))
        {
            Assert.True(hf.Weights.TryGet(name, out var a));
            Assert.True(q8.Weights.TryGet(name, out var b));
            Assert.Equal(s.Length == 1 ? TensorDType.F32 : TensorDType.Q8_0, b.DType);
            TinyStoriesTests.AssertWithinQ8Error(a.ToFloat32(), b.ToFloat32(), name);
        }
    }

    [Fact]
    public void Q8_0_gguf_keeps_f16_for_rows_that_are_not_whole_blocks()
    {
        using var dir = new TempDirectory();
        RandomModelWriter.WriteGguf(TinyLlama, dir.File("q8.gguf"), TensorDType.Q8_0, 5); // intermediate 96 = 3 blocks, hidden 64
        using var q8 = ModelLoader.Load(dir.File("q8.gguf"));
        Assert.True(q8.Weights.TryGet("model.layers.0.mlp.down_proj.weight", out var down)); // rows of 96
        Assert.Equal(TensorDType.Q8_0, down.DType);
        var odd = TinyLlama with { Config = TinyLlama.Config with { IntermediateSize = 80 } };
        RandomModelWriter.WriteGguf(odd, dir.File("odd.gguf"), TensorDType.Q8_0, 5);
        using var oddModel = ModelLoader.Load(dir.File("odd.gguf"));
        Assert.True(oddModel.Weights.TryGet("model.layers.0.mlp.down_proj.weight", out var oddDown)); // rows of 80
        Assert.Equal(TensorDType.F16, oddDown.DType);
    }

    [Theory]
    [InlineData("stories110m", ModelArchitecture.Llama, 768, 2048, 12, 12, 12, 64, 32000, 1024, false, 134_105_856L)]
    [InlineData("smollm2-135m", ModelArchitecture.Llama, 576, 1536, 30, 9, 3, 64, 49152, 2048, true, 134_515_008L)]
    [InlineData("qwen2.5-0.5b", ModelArchitecture.Qwen2, 896, 4864, 24, 14, 2, 64, 151936, 32768, true, 494_032_768L)]
    [InlineData("llama-3.2-1b", ModelArchitecture.Llama, 2048, 8192, 16, 32, 8, 64, 128256, 131072, true, 1_235_814_400L)]
    [InlineData("qwen3-0.6b", ModelArchitecture.Qwen3, 1024, 3072, 28, 16, 8, 128, 151936, 40960, true, 596_049_920L)]
    public void Named_shapes_write_configs_of_the_real_models(string name, ModelArchitecture arch, int hidden, int inter, int layers,
        int heads, int kvHeads, int headDim, int vocab, int context, bool tied, long parameters)
    {
        var shape = ModelShapes.Find(name)!;
        using var dir = new TempDirectory();
        HfConfigWriter.Write(shape.Config, dir.Path, TensorDType.BF16);
        var c = HfConfigReader.Read(dir.Path);

        Assert.Equal(shape.Config, c with { EosTokenIds = shape.Config.EosTokenIds });
        Assert.Equal(shape.Config.EosTokenIds, c.EosTokenIds);
        Assert.Equal((arch, hidden, inter, layers, heads, kvHeads, headDim, vocab, context, tied),
            (c.Architecture, c.HiddenSize, c.IntermediateSize, c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.VocabSize, c.MaxPositionEmbeddings, c.TieWordEmbeddings));
        // Published parameter counts of the real models (stories110m untied here: its count includes lm_head).
        Assert.Equal(parameters, shape.ParameterCount);
        Assert.Equal(arch == ModelArchitecture.Qwen2, c.AttentionBias);
        Assert.Equal(arch == ModelArchitecture.Qwen3, c.QkNorm);
    }

    [Fact]
    public void Llama_3_2_shape_has_llama3_rope_scaling_and_tokenizer_stand_in()
    {
        var shape = ModelShapes.Find("LLAMA-3.2-1B")!;
        Assert.Equal(new RopeScaling(32, 1, 4, 8192), shape.Config.RopeScaling);
        Assert.Equal(500000.0, shape.Config.RopeTheta);
        using var dir = new TempDirectory();
        RandomModelWriter.WriteTokenizerFiles(shape, dir.Path, SharedModels.Tokenizers);
        Assert.True(File.Exists(dir.File("tokenizer.json")));
        Assert.True(File.Exists(dir.File("tokenizer_config.json")));
        Assert.Null(ModelShapes.Find("gpt-5"));
    }
}
