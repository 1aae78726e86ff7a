using System.Text.Json;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Safetensors;

namespace InferenceServer.Models.Adapters;

/// <summary>Writes a PEFT LoRA adapter with random matrices for a base model, for tests and benchmarks.</summary>
public static class RandomLoraAdapterWriter
{
    /// <summary>
    /// Writes <c>adapter_config.json</c> and <c>adapter_model.safetensors</c> into <paramref name="folder"/>.
    /// Both A and B are random (PEFT starts B at zero, which would make the adapter a no-op); values are scaled
    /// so the delta is a visible but modest change of the base layer's output.
    /// </summary>
    public static void Write(ModelConfig config, string folder, int rank, IReadOnlyCollection<LoraTarget> targets, int seed, double alpha = 16, float magnitude = 0.05f)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(targets);
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        var writer = new SafetensorsWriter();
        for (int l = 0; l < config.NumLayers; l++)
        {
            foreach (var t in targets)
            {
                string prefix = $"base_model.model.model.layers.{l}.{t.Block()}.{t.ModuleName()}";
                writer.Add($"{prefix}.lora_A.weight", TensorDType.F32, [rank, t.InFeatures(config)], Random(rng, rank * t.InFeatures(config), magnitude));
                writer.Add($"{prefix}.lora_B.weight", TensorDType.F32, [t.OutFeatures(config), rank], Random(rng, t.OutFeatures(config) * rank, magnitude));
            }
        }
        writer.Write(Path.Combine(folder, LoraAdapterLoader.WeightsFile));
        var json = new Dictionary<string, object?>
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["r"] = rank,
            ["lora_alpha"] = alpha,
            ["lora_dropout"] = 0.0,
            ["bias"] = "none",
            ["use_rslora"] = false,
            ["fan_in_fan_out"] = false,
            ["target_modules"] = targets.Select(t => t.ModuleName()).ToArray(),
            ["base_model_name_or_path"] = null,
        };
        File.WriteAllText(Path.Combine(folder, LoraAdapterLoader.ConfigFile), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static byte[] Random(Random rng, int count, float magnitude)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(rng.NextDouble() * 2 - 1) * magnitude;
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
