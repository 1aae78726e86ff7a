using InferenceServer.Core.Tensors;
using InferenceServer.Models.Conversion;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Weights;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Loading;

public class GgufConverterTests
{
    [Fact]
    public void F32_gguf_copy_loads_bit_identical_to_the_safetensors()
    {
        using var dir = new TempDirectory();
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        Dictionary<string, object> tokenizer;
        using (var real = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf))
            tokenizer = real.Metadata.Where(kv => kv.Key.StartsWith("tokenizer.", StringComparison.Ordinal)).ToDictionary();
        GgufConverter.FromHuggingFace(hf, dir.File("copy.gguf"), TensorDType.F32, tokenizer);

        using var copy = ModelLoader.Load(dir.File("copy.gguf"));
        Assert.Equal(hf.Config with { RmsNormEps = 0 }, copy.Config with { RmsNormEps = 0, EosTokenIds = hf.Config.EosTokenIds });
        Assert.Equal(hf.Config.EosTokenIds, copy.Config.EosTokenIds);
        foreach (string name in hf.Weights.Names)
        {
            Assert.True(hf.Weights.TryGet(name, out var a));
            // Tied: the copy stores the matrix once, as the embedding, like llama.cpp.
            Assert.True(copy.Weights.TryGet(name == "lm_head.weight" ? "model.embed_tokens.weight" : name, out var b), name);
            Assert.Equal(TensorDType.F32, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.True(a.Bytes.SequenceEqual(b.Bytes), name);
        }
        // The q/k rows really are stored permuted in the file, as llama.cpp stores them.
        using var raw = GgufFile.Open(dir.File("copy.gguf"));
        Assert.True(raw.TryGet("blk.0.attn_q.weight", out var storedQ));
        Assert.True(hf.Weights.TryGet("model.layers.0.self_attn.q_proj.weight", out var hfQ));
        Assert.False(storedQ.Bytes.SequenceEqual(hfQ.Bytes));
        Assert.Equal(2048, raw.GetArray<string>("tokenizer.ggml.tokens").Length);
    }

    [Fact]
    public void Q8_0_copy_equals_llama_cpp_quantization_of_the_same_model()
    {
        using var dir = new TempDirectory();
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        GgufConverter.FromHuggingFace(hf, dir.File("q8.gguf"), TensorDType.Q8_0);

        using var ours = GgufFile.Open(dir.File("q8.gguf"));
        using var theirs = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf);
        Assert.Equal(7u, ours.Metadata["general.file_type"]);
        Assert.Equal(theirs.Tensors.Select(t => t.Name).Order(), ours.Tensors.Select(t => t.Name).Order());
        foreach (var t in theirs.Tensors)
        {
            Assert.True(theirs.TryGet(t.Name, out var expected));
            Assert.True(ours.TryGet(t.Name, out var actual));
            Assert.Equal(expected.DType, actual.DType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.True(expected.Bytes.SequenceEqual(actual.Bytes), t.Name);
        }
    }

    [Fact]
    public void F16_copy_holds_the_rounded_values()
    {
        using var dir = new TempDirectory();
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        GgufConverter.FromHuggingFace(hf, dir.File("f16.gguf"), TensorDType.F16);

        using var copy = ModelLoader.Load(dir.File("f16.gguf"));
        foreach (var (name, shape) in ExpectedTensors.For(hf.Config))
        {
            Assert.True(hf.Weights.TryGet(name, out var a));
            Assert.True(copy.Weights.TryGet(name, out var b));
            Assert.Equal(shape.Length == 1 ? TensorDType.F32 : TensorDType.F16, b.DType);
            Assert.Equal(a.ToFloat32().Select(v => shape.Length == 1 ? v : (float)(Half)v), b.ToFloat32());
        }
    }
}
