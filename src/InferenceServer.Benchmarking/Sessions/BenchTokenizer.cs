using InferenceServer.Models.Gguf;
using InferenceServer.Models.Manifests;
using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Sessions;

/// <summary>
/// Loads the tokenizer that counts a benchmark's tokens: a model folder, tokenizer.json, tokenizer.model, .gguf, or a
/// model manifest (.json other than tokenizer.json), whose model path is used. A .gguf without a vocabulary uses the
/// tokenizer files beside it, as the server does.
/// </summary>
public static class BenchTokenizer
{
    public static TextTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool manifest = File.Exists(path) && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Path.GetFileName(path), TokenizerLoader.TokenizerJsonFile, StringComparison.OrdinalIgnoreCase);
        string model = manifest ? ModelManifest.Load(path).ModelPath : path;
        if (File.Exists(model) && model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && !HasVocabulary(model))
            return TokenizerLoader.Load(Path.GetDirectoryName(Path.GetFullPath(model))!);
        return TokenizerLoader.Load(model);
    }

    private static bool HasVocabulary(string gguf)
    {
        using var file = GgufFile.Open(gguf);
        return file.Metadata.ContainsKey("tokenizer.ggml.model");
    }
}
