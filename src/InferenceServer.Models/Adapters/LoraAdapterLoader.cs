using System.Text.RegularExpressions;
using InferenceServer.Core.Errors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Safetensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Adapters;

/// <summary>
/// Loads a PEFT LoRA adapter folder (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>) for a base
/// model, checking rank, targets, layer indices and every matrix shape; errors name the adapter and the problem.
/// </summary>
public static partial class LoraAdapterLoader
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>
    /// Loads the adapter at <paramref name="path"/> under <paramref name="name"/>. With <paramref name="confinement"/>
    /// (runtime loads), every file it opens must resolve, links followed, inside the allowed directories, not only
    /// the folder: a file in an allowed folder that links elsewhere is refused before it is opened.
    /// </summary>
    public static LoraAdapter Load(string path, string name, ModelConfig baseConfig, int maxRank, LoraPathPolicy? confinement = null)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        try
        {
            return LoadCore(path, name, baseConfig, maxRank, confinement);
        }
        catch (ModelLoadException e)
        {
            throw new ModelLoadException(path, $"LoRA adapter '{name}': {e.Message}", e);
        }
    }

    /// <summary>The real path to open for <paramref name="file"/>: inside the allowed directories, or refused.</summary>
    private static string Confine(string file, LoraPathPolicy? confinement)
    {
        if (confinement is null) return file;
        try
        {
            return confinement.Resolve(file);
        }
        catch (InferenceServerException)
        {
            throw new ModelLoadException(file, "resolves (through a symbolic link) outside the allowed adapter directories");
        }
    }

    private static LoraAdapter LoadCore(string path, string name, ModelConfig cfg, int maxRank, LoraPathPolicy? confinement)
    {
        if (!Directory.Exists(path)) throw new ModelLoadException(path, "folder not found");
        var config = LoraAdapterConfig.Read(Confine(System.IO.Path.Combine(path, ConfigFile), confinement));
        if (config.Rank > maxRank) throw new ModelLoadException(path, $"rank {config.Rank} exceeds the maximum LoRA rank {maxRank}");
        string weightsPath = Confine(System.IO.Path.Combine(path, WeightsFile), confinement);
        if (!File.Exists(weightsPath)) throw new ModelLoadException(weightsPath, "file not found");
        var a = new float[cfg.NumLayers, LoraTargets.All.Count][];
        var b = new float[cfg.NumLayers, LoraTargets.All.Count][];
        using (var file = SafetensorsFile.Open(weightsPath))
        {
            foreach (var info in file.Tensors)
            {
                var m = TensorName().Match(info.Name);
                if (!m.Success) throw new ModelLoadException(weightsPath, $"tensor '{info.Name}' is not a LoRA A/B matrix of a decoder layer");
                int layer = int.Parse(m.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture);
                var target = LoraTargets.FromModuleName(m.Groups["module"].Value);
                if (target is not { } t || t.Block() != m.Groups["block"].Value)
                    throw new ModelLoadException(weightsPath, $"tensor '{info.Name}': module {m.Groups["block"].Value}.{m.Groups["module"].Value} is not supported");
                if (layer >= cfg.NumLayers) throw new ModelLoadException(weightsPath, $"tensor '{info.Name}': layer {layer} but the base model has {cfg.NumLayers}");
                if (!config.Targets.Contains(t)) throw new ModelLoadException(weightsPath, $"tensor '{info.Name}': {t.ModuleName()} is not in target_modules");
                bool isA = m.Groups["ab"].Value == "A";
                long[] expected = isA ? [config.Rank, t.InFeatures(cfg)] : [t.OutFeatures(cfg), config.Rank];
                file.TryGet(info.Name, out var tensor);
                if (!tensor.Shape.SequenceEqual(expected))
                    throw new ModelLoadException(weightsPath, $"tensor '{info.Name}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", expected)}] for this base model and rank {config.Rank}");
                (isA ? a : b)[layer, (int)t] = tensor.ToFloat32();
            }
        }
        var weights = new LoraWeights?[cfg.NumLayers, LoraTargets.All.Count];
        int pairs = 0;
        for (int l = 0; l < cfg.NumLayers; l++)
        {
            foreach (var t in LoraTargets.All)
            {
                var av = a[l, (int)t];
                var bv = b[l, (int)t];
                if (av == null && bv == null) continue;
                if (av == null || bv == null)
                    throw new ModelLoadException(weightsPath, $"layer {l} {t.ModuleName()}: lora_{(av == null ? "A" : "B")} is missing");
                weights[l, (int)t] = new LoraWeights(av, Transpose(bv, t.OutFeatures(cfg), config.Rank), t.InFeatures(cfg), t.OutFeatures(cfg));
                pairs++;
            }
        }
        if (pairs == 0) throw new ModelLoadException(weightsPath, "no LoRA matrices found");
        return new LoraAdapter(name, path, config, weights);
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }

    [GeneratedRegex(@"layers\.(?<layer>\d+)\.(?<block>self_attn|mlp)\.(?<module>\w+)\.lora_(?<ab>A|B)(\.default)?\.weight$", RegexOptions.CultureInvariant)]
    private static partial Regex TensorName();
}
