using InferenceServer.Models.Manifests;
using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Sessions;

/// <summary>
/// Loads the tokenizer that counts a benchmark's tokens: a model folder, tokenizer.json, tokenizer.model, .gguf, or a
/// model manifest (.json other than tokenizer.json), whose model path is used.
/// </summary>
public static class BenchTokenizer
{
    public static TextTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool manifest = File.Exists(path) && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Path.GetFileName(path), TokenizerLoader.TokenizerJsonFile, StringComparison.OrdinalIgnoreCase);
        return TokenizerLoader.Load(manifest ? ModelManifest.Load(path).ModelPath : path);
    }
}
