using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Conversion;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Loading;

public class ModelLoaderErrorTests
{
    private static ModelLoadException Fails(string path) => Assert.Throws<ModelLoadException>(() => ModelLoader.Load(path).Dispose());

    [Fact]
    public void Missing_tensor_names_the_file_tensor_and_expected_shape()
    {
        using var dir = new TempDirectory();
        TinyStoriesCopies.CopyConfig(dir.Path);
        TinyStoriesCopies.WriteConverted(dir.File("model.safetensors"), TensorDType.F32, n => n != "model.layers.1.mlp.up_proj.weight");

        var e = Fails(dir.Path);
        Assert.Equal(dir.File("model.safetensors"), e.FilePath);
        Assert.Equal("missing tensor 'model.layers.1.mlp.up_proj.weight' (expected shape [384, 128])", e.Problem);
    }

    [Fact]
    public void Shape_mismatch_names_both_shapes()
    {
        using var dir = new TempDirectory();
        TinyStoriesCopies.CopyConfig(dir.Path);
        TinyStoriesCopies.WriteConverted(dir.File("model.safetensors"), TensorDType.F32);
        // The same weights with a config claiming 8 KV heads: k_proj should then be [128, 128].
        File.WriteAllText(dir.File("config.json"), File.ReadAllText(dir.File("config.json")).Replace("\"num_key_value_heads\": 4", "\"num_key_value_heads\": 8", StringComparison.Ordinal));

        var e = Fails(dir.Path);
        Assert.Equal(dir.File("model.safetensors"), e.FilePath);
        Assert.Equal("tensor 'model.layers.0.self_attn.k_proj.weight' has shape [64, 128], expected [128, 128]", e.Problem);
    }

    [Fact]
    public void Missing_tensor_in_a_gguf_names_the_hugging_face_tensor()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gguf");
        using (var source = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf))
        {
            var w = new GgufWriter();
            foreach (var (k, v) in source.Metadata) w.AddMetadata(k, v);
            foreach (var t in source.Tensors.Where(t => t.Name != "blk.1.ffn_gate.weight"))
            {
                Assert.True(source.TryGet(t.Name, out var wt));
                w.AddTensor(t.Name, wt.DType, [.. wt.Shape], wt.Bytes);
            }
            w.Write(path);
        }
        var e = Fails(path);
        Assert.Equal(path, e.FilePath);
        Assert.Equal("missing tensor 'model.layers.1.mlp.gate_proj.weight' (expected shape [384, 128])", e.Problem);
    }

    [Fact]
    public void Unknown_architecture_in_config_json()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), """{"architectures":["GPT2LMHeadModel"],"model_type":"gpt2","n_embd":768}""");
        var e = Fails(dir.Path);
        Assert.Equal(dir.File("config.json"), e.FilePath);
        Assert.Equal("unsupported architecture 'gpt2' (GPT2LMHeadModel); supported: llama, mistral, qwen2, qwen3", e.Problem);
    }

    [Fact]
    public void Folder_without_weights()
    {
        using var dir = new TempDirectory();
        TinyStoriesCopies.CopyConfig(dir.Path);
        var e = Fails(dir.Path);
        Assert.Equal(dir.Path, e.FilePath);
        Assert.Contains("no model.safetensors or model.safetensors.index.json", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_that_does_not_exist_or_is_not_a_model()
    {
        using var dir = new TempDirectory();
        Assert.Contains("model not found", Fails(dir.File("nope")).Problem, StringComparison.Ordinal);
        File.WriteAllText(dir.File("notes.txt"), "hello");
        Assert.Contains("not a model", Fails(dir.File("notes.txt")).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Gguf_with_q_rows_that_are_not_whole_heads()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gguf");
        using (var source = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf))
        {
            var w = new GgufWriter();
            foreach (var (k, v) in source.Metadata) w.AddMetadata(k, v);
            foreach (var t in source.Tensors)
            {
                Assert.True(source.TryGet(t.Name, out var wt));
                // 120 rows of q instead of 128: not 8 heads of 16.
                if (t.Name == "blk.0.attn_q.weight")
                    w.AddTensor(t.Name, wt.DType, [120, 128], wt.Bytes[..(int)(120 * wt.DType.RowBytes(128))]);
                else
                    w.AddTensor(t.Name, wt.DType, [.. wt.Shape], wt.Bytes);
            }
            w.Write(path);
        }
        var e = Fails(path);
        Assert.Equal(path, e.FilePath);
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", e.Problem, StringComparison.Ordinal);
        Assert.Contains("[120, 128]", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Gguf_is_recognised_by_its_magic_whatever_the_extension()
    {
        using var dir = new TempDirectory();
        using var hf = ModelLoader.Load(SharedModels.TinyStories);
        GgufConverter.FromHuggingFace(hf, dir.File("weights.bin"), TensorDType.F16);
        using var loaded = ModelLoader.Load(dir.File("weights.bin"));
        Assert.Equal(ModelSourceKind.Gguf, loaded.Kind);
    }
}
