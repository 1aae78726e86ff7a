using InferenceServer.Models.Config;
using InferenceServer.Models.Manifests;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Loading;

/// <summary>A model ready for an engine: its config, its weights (Hugging Face names) and where its tokenizer lives.</summary>
public sealed class LoadedModel : IDisposable
{
    public LoadedModel(ModelConfig config, IWeightSource weights, ModelSourceKind kind, string path, string name)
    {
        Config = config;
        Weights = weights;
        Kind = kind;
        Path = path;
        Name = name;
    }

    public ModelConfig Config { get; }
    public IWeightSource Weights { get; }
    public ModelSourceKind Kind { get; }

    /// <summary>The Hugging Face model folder, or the .gguf file.</summary>
    public string Path { get; }

    /// <summary>Model name for display and the API (manifest name, else folder or file name).</summary>
    public string Name { get; }

    /// <summary>The manifest the model was loaded through, if any (its dtype and version are for the engine).</summary>
    public ModelManifest? Manifest { get; init; }

    public void Dispose() => Weights.Dispose();
}

/// <summary>How a model's files are laid out.</summary>
public enum ModelSourceKind
{
    /// <summary>config.json + safetensors (+ tokenizer.json) in a folder.</summary>
    HuggingFace,
    /// <summary>A single GGUF file with metadata, tensors and the tokenizer inside.</summary>
    Gguf,
}
