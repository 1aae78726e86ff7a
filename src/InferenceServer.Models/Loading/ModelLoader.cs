using InferenceServer.Core.Errors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Manifests;
using InferenceServer.Models.Safetensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Loading;

/// <summary>Loads a model from a Hugging Face folder, a .gguf file or a model manifest, and checks every tensor it needs.</summary>
public static class ModelLoader
{
    /// <summary>
    /// Loads <paramref name="path"/>: a folder with config.json and safetensors (or that config.json), a .gguf file, or a manifest .json.
    /// Any problem is a <see cref="ModelLoadException"/> naming the file and what is wrong.
    /// </summary>
    public static LoadedModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return LoadHuggingFace(path, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))));
        if (!File.Exists(path)) throw new ModelLoadException(path, "model not found (expected a model folder, a .gguf file or a manifest .json)");
        if (Path.GetFileName(path) == HfConfigReader.ConfigFileName) return Load(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return LoadManifest(ModelManifest.Load(path));
        if (path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || StartsWithGgufMagic(path))
            return LoadGguf(path, Path.GetFileNameWithoutExtension(path));
        throw new ModelLoadException(path, "not a model: expected a Hugging Face model folder, a .gguf file or a manifest .json");
    }

    /// <summary>Loads the model a manifest points at, applying its context cap and recording it on the result.</summary>
    public static LoadedModel LoadManifest(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string target = manifest.ModelPath;
        if (File.Exists(target) && target.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new ModelLoadException(manifest.ManifestPath, "a manifest must point at a model folder or .gguf file, not another .json");
        var inner = Directory.Exists(target) ? LoadHuggingFace(target, manifest.Name) : LoadGguf(target, manifest.Name);
        var config = inner.Config;
        if (manifest.MaxContext is int cap && cap < config.MaxPositionEmbeddings)
            config = config with { MaxPositionEmbeddings = cap };
        return new LoadedModel(config, inner.Weights, inner.Kind, inner.Path, manifest.Name) { Manifest = manifest };
    }

    /// <summary>Loads a Hugging Face folder (config.json, generation_config.json, model.safetensors or a sharded index).</summary>
    public static LoadedModel LoadHuggingFace(string folder, string name)
    {
        var config = HfConfigReader.Read(folder);
        var weights = TiedEmbeddings.Wrap(SafetensorsFolder.Open(folder));
        return Validated(new LoadedModel(config, weights, ModelSourceKind.HuggingFace, Path.GetFullPath(folder), name));
    }

    /// <summary>Loads a GGUF file, presenting its tensors under Hugging Face names and layout.</summary>
    public static LoadedModel LoadGguf(string file, string name)
    {
        var gguf = GgufFile.Open(file);
        IWeightSource? weights = null;
        try
        {
            var config = GgufConfigReader.Read(gguf);
            weights = TiedEmbeddings.Wrap(new GgufWeightSource(gguf, config));
            return Validated(new LoadedModel(config, weights, ModelSourceKind.Gguf, Path.GetFullPath(file), name));
        }
        catch
        {
            if (weights is null) gguf.Dispose();
            throw;
        }
    }

    private static LoadedModel Validated(LoadedModel model)
    {
        try
        {
            CheckTensors(model.Config, model.Weights);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Throws when a required tensor is missing or has the wrong shape; the message names the file, tensor and shapes.</summary>
    public static void CheckTensors(ModelConfig config, IWeightSource weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        foreach (var (name, shape) in ExpectedTensors.For(config))
        {
            if (!weights.TryGet(name, out var t))
                throw new ModelLoadException(weights.SourcePath, $"missing tensor '{name}' (expected shape [{string.Join(", ", shape)}])");
            if (!t.Shape.SequenceEqual(shape))
                throw new ModelLoadException(weights.SourcePath,
                    $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}]");
        }
        if (config.TieWordEmbeddings && weights.TryGet(TiedEmbeddings.LmHeadName, out var head)
            && !head.Shape.SequenceEqual([config.VocabSize, (long)config.HiddenSize]))
            throw new ModelLoadException(weights.SourcePath,
                $"tensor '{TiedEmbeddings.LmHeadName}' has shape [{string.Join(", ", head.Shape)}], expected [{config.VocabSize}, {config.HiddenSize}]");
    }

    private static bool StartsWithGgufMagic(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            Span<byte> head = stackalloc byte[4];
            return f.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("GGUF"u8);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
