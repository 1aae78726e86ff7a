using System.Text.Json.Nodes;
using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Config;
using InferenceServer.Models.Safetensors;
using InferenceServer.Models.Weights;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Adapters;

public sealed class LoraAdapterLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static readonly ModelConfig Base = HfConfigReader.Read(SharedModels.TinyStories);

    private string Write(int rank = 8, LoraTarget[]? targets = null, string name = "a")
    {
        string folder = _dir.File(name);
        RandomLoraAdapterWriter.Write(Base, folder, rank, targets ?? [.. LoraTargets.All], seed: 3, alpha: 16);
        return folder;
    }

    [Fact]
    public void A_written_adapter_loads_with_every_matrix_as_in_the_file_and_b_transposed()
    {
        string folder = Write(rank: 4, targets: [LoraTarget.QProj, LoraTarget.DownProj]);
        var adapter = LoraAdapterLoader.Load(folder, "a", Base, maxRank: 16);
        Assert.Equal(4, adapter.Rank);
        Assert.Equal(16.0 / 4, adapter.Scaling, 6);
        Assert.Equal(Base.NumLayers, adapter.NumLayers);
        using var file = SafetensorsFile.Open(Path.Combine(folder, LoraAdapterLoader.WeightsFile));
        for (int l = 0; l < Base.NumLayers; l++)
        {
            Assert.Null(adapter.Weights(l, LoraTarget.KProj));
            var w = adapter.Weights(l, LoraTarget.DownProj)!;
            Assert.True(file.TryGet($"base_model.model.model.layers.{l}.mlp.down_proj.lora_A.weight", out var a));
            Assert.True(file.TryGet($"base_model.model.model.layers.{l}.mlp.down_proj.lora_B.weight", out var b));
            Assert.Equal(a.ToFloat32(), w.A);
            var bf = b.ToFloat32(); // [out, r]
            for (int o = 0; o < Base.HiddenSize; o++)
                for (int r = 0; r < 4; r++) Assert.Equal(bf[o * 4 + r], w.BTransposed[r * Base.HiddenSize + o]);
            Assert.Equal(Base.IntermediateSize, w.InFeatures);
        }
    }

    [Fact]
    public void Rs_lora_scales_by_the_square_root_of_the_rank()
    {
        string folder = Write(rank: 16);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, LoraAdapterLoader.ConfigFile)))!;
        config["use_rslora"] = true;
        File.WriteAllText(Path.Combine(folder, LoraAdapterLoader.ConfigFile), config.ToJsonString());
        Assert.Equal(16 / 4.0, LoraAdapterLoader.Load(folder, "a", Base, 16).Scaling, 6);
    }

    [Fact]
    public void A_rank_above_the_maximum_is_refused_naming_the_adapter()
    {
        var e = Assert.Throws<ModelLoadException>(() => LoraAdapterLoader.Load(Write(rank: 32), "big", Base, maxRank: 16));
        Assert.Contains("LoRA adapter 'big'", e.Message, StringComparison.Ordinal);
        Assert.Contains("rank 32 exceeds the maximum LoRA rank 16", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"target_modules\": [\"q_proj\", \"lm_head\"]", "target module 'lm_head' is not supported")]
    [InlineData("\"target_modules\": \"q_proj|v_proj\"", "only a list of module names")]
    [InlineData("\"peft_type\": \"IA3\"", "peft_type 'IA3' is not supported")]
    [InlineData("\"r\": 0", "'r' must be a positive integer")]
    public void Bad_configs_are_refused_with_the_field_named(string replacement, string message)
    {
        string folder = Write();
        string path = Path.Combine(folder, LoraAdapterLoader.ConfigFile);
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var patch = JsonNode.Parse("{" + replacement + "}")!.AsObject();
        foreach (var (key, value) in patch.ToList()) config[key] = value?.DeepClone();
        File.WriteAllText(path, config.ToJsonString());
        var e = Assert.Throws<ModelLoadException>(() => LoraAdapterLoader.Load(folder, "a", Base, 64));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_adapter_for_another_base_model_is_refused_by_shape()
    {
        var other = Base with { HiddenSize = Base.HiddenSize * 2 };
        string folder = _dir.File("other");
        RandomLoraAdapterWriter.Write(other, folder, 8, [LoraTarget.QProj], seed: 1);
        var e = Assert.Throws<ModelLoadException>(() => LoraAdapterLoader.Load(folder, "other", Base, 64));
        Assert.Contains("expected [8, 128]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_b_matrix_and_a_missing_folder_are_errors()
    {
        string folder = Write(targets: [LoraTarget.VProj]);
        string weights = Path.Combine(folder, LoraAdapterLoader.WeightsFile);
        var writer = new SafetensorsWriter();
        using (var file = SafetensorsFile.Open(weights))
        {
            foreach (var info in file.Tensors.Where(t => !t.Name.Contains("layers.1.self_attn.v_proj.lora_B", StringComparison.Ordinal)))
            {
                file.TryGet(info.Name, out var t);
                writer.Add(info.Name, TensorDType.F32, [.. t.Shape], t.Bytes);
            }
        }
        writer.Write(weights);
        Assert.Contains("layer 1 v_proj: lora_B is missing", Assert.Throws<ModelLoadException>(() => LoraAdapterLoader.Load(folder, "a", Base, 64)).Message, StringComparison.Ordinal);
        Assert.Contains("folder not found", Assert.Throws<ModelLoadException>(() => LoraAdapterLoader.Load(_dir.File("nope"), "a", Base, 64)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
