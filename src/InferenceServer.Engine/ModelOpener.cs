using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.Tokenization;

namespace InferenceServer.Engine;

/// <summary>Opens a model (manifest, Hugging Face folder or GGUF file) together with its tokenizer.</summary>
public static class ModelOpener
{
    /// <summary>
    /// The tokenizer comes from <paramref name="tokenizerPath"/> when given, else from the GGUF metadata, else from
    /// the model's folder (a GGUF written without a vocabulary takes the tokenizer files beside it).
    /// </summary>
    public static OpenedModel Open(string modelPath, string? tokenizerPath = null)
    {
        var model = ModelLoader.Load(modelPath);
        try
        {
            ITextTokenizer tokenizer;
            if (tokenizerPath != null) tokenizer = TokenizerLoader.Load(tokenizerPath);
            else if (model.Kind == ModelSourceKind.Gguf) tokenizer = FromGguf(model.Path);
            else tokenizer = TokenizerLoader.Load(model.Path);
            return new OpenedModel(model, tokenizer);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ITextTokenizer FromGguf(string path)
    {
        using var gguf = GgufFile.Open(path);
        if (gguf.Metadata.ContainsKey("tokenizer.ggml.model")) return TokenizerLoader.FromGgufMetadata(gguf.Metadata, path);
        return TokenizerLoader.Load(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}

/// <summary>A loaded model and its tokenizer; disposing releases the weights.</summary>
public sealed record OpenedModel(LoadedModel Model, ITextTokenizer Tokenizer) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
