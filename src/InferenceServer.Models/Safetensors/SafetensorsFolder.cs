using InferenceServer.Core.Errors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Safetensors;

/// <summary>Finds and opens the safetensors weights of a Hugging Face model folder.</summary>
public static class SafetensorsFolder
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>model.safetensors, else model.safetensors.index.json, else the folder's only .safetensors file.</summary>
    public static IWeightSource Open(string folder)
    {
        string single = Path.Combine(folder, SingleFileName);
        if (File.Exists(single)) return SafetensorsFile.Open(single);
        string index = Path.Combine(folder, IndexFileName);
        if (File.Exists(index)) return ShardedSafetensors.Open(index);
        var any = Directory.GetFiles(folder, "*.safetensors");
        if (any.Length == 1) return SafetensorsFile.Open(any[0]);
        throw new ModelLoadException(folder, any.Length == 0
            ? $"no {SingleFileName} or {IndexFileName} in the model folder"
            : $"several .safetensors files but no {IndexFileName} saying which tensors each holds");
    }
}
