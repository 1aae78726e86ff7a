using InferenceServer.Core.Tensors;
using InferenceServer.Models.RandomModels;
using InferenceServer.Tokenization;
using InferenceServer.Tokenization.Writing;

namespace InferenceServer.Benchmarks;

/// <summary>
/// Random-weight models of real shapes, written once by the project's own writer into artifacts/bench-models
/// and then loaded through the real loader.
/// </summary>
public static class BenchModels
{
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("INFERENCE_SERVER_BENCH_MODELS");
            if (!string.IsNullOrEmpty(env)) return env;
            return Path.Combine(RepositoryRoot(), "artifacts", "bench-models");
        }
    }

    /// <summary>Path of the model "shape-dtype" (e.g. "stories110m-q8_0"), writing it first if needed.</summary>
    public static string Ensure(string id)
    {
        int dash = id.LastIndexOf('-');
        var shape = ModelShapes.Find(id[..dash]) ?? throw new ArgumentException($"unknown shape in '{id}'");
        return Ensure(shape, TensorDTypeExtensions.Parse(id[(dash + 1)..]), id);
    }

    /// <summary>Path of <paramref name="shape"/> stored as <paramref name="dtype"/> in the folder <paramref name="id"/>, writing it first if needed.</summary>
    public static string Ensure(ModelShape shape, TensorDType dtype, string id)
    {
        string folder = Path.Combine(Root, id);
        string tokenizers = Path.Combine(RepositoryRoot(), "..", "shared", "models", "tokenizers");
        if (dtype == TensorDType.Q8_0)
        {
            string file = Path.Combine(folder, "model.gguf");
            if (!File.Exists(file))
            {
                // Same file as `make-random-model --format gguf` (tokenizer included), so llama.cpp can run it too.
                RandomModelWriter.WriteTokenizerFiles(shape, folder, tokenizers);
                var vocabulary = GgufTokenizerMetadata.From(TokenizerLoader.ReadDefinition(folder), vocabularySize: shape.Config.VocabSize);
                RandomModelWriter.WriteGguf(shape, file + ".tmp", dtype, seed: 1, vocabulary);
                File.Move(file + ".tmp", file);
            }
            return file;
        }
        if (!File.Exists(Path.Combine(folder, "config.json")))
            RandomModelWriter.WriteHuggingFace(shape, folder, dtype, seed: 1, tokenizers);
        return folder;
    }

    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "InferenceServer.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("InferenceServer.sln not found");
    }
}
