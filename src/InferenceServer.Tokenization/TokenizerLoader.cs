using InferenceServer.Core.Errors;
using InferenceServer.Models.Gguf;
using InferenceServer.Tokenization.Loading;

namespace InferenceServer.Tokenization;

/// <summary>
/// Loads a tokenizer from a Hugging Face model folder, a tokenizer.json, a SentencePiece tokenizer.model or a GGUF file.
/// </summary>
public static class TokenizerLoader
{
    public const string TokenizerJsonFile = "tokenizer.json";
    public const string SentencePieceFile = "tokenizer.model";

    /// <summary>
    /// Loads <paramref name="path"/>. A folder uses tokenizer.json, else tokenizer.model, else its only .gguf file;
    /// tokenizer_config.json, generation_config.json and config.json next to a tokenizer file refine BOS/EOS.
    /// Problems are <see cref="ModelLoadException"/>s naming the file.
    /// </summary>
    public static TextTokenizer Load(string path) => new(ReadDefinition(path));

    /// <summary>The definition <see cref="Load"/> builds its tokenizer from.</summary>
    public static TokenizerDefinition ReadDefinition(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return ReadFolder(path);
        if (!File.Exists(path)) throw new ModelLoadException(path, "no such file or folder");
        return ReadFile(path);
    }

    /// <summary>Builds a tokenizer from GGUF metadata (see <see cref="GgufTokenizerReader"/>).</summary>
    public static TextTokenizer FromGgufMetadata(IReadOnlyDictionary<string, object> metadata, string sourcePath) =>
        new(GgufTokenizerReader.Read(metadata, sourcePath));

    private static TokenizerDefinition ReadFolder(string folder)
    {
        foreach (string name in new[] { TokenizerJsonFile, SentencePieceFile })
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return ReadFile(candidate);
        }
        var ggufs = Directory.GetFiles(folder, "*.gguf");
        if (ggufs.Length == 1) return ReadFile(ggufs[0]);
        throw new ModelLoadException(folder, ggufs.Length > 1
            ? $"no {TokenizerJsonFile} or {SentencePieceFile}, and {ggufs.Length} .gguf files (name one)"
            : $"no tokenizer found: expected {TokenizerJsonFile}, {SentencePieceFile} or a .gguf file");
    }

    private static TokenizerDefinition ReadFile(string path)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        switch (Sniff(path))
        {
            case FileKind.Gguf:
                using (var gguf = GgufFile.Open(path))
                    return GgufTokenizerReader.Read(gguf.Metadata, path);
            case FileKind.Json:
                return TokenizerConfigReader.Apply(TokenizerJsonReader.Read(path), folder);
            default:
                return TokenizerConfigReader.Apply(SentencePieceModelReader.Read(path), folder);
        }
    }

    private enum FileKind { Gguf, Json, SentencePiece }

    // By content rather than name, so renamed files load and a wrong file gets the right reader's error.
    private static FileKind Sniff(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int n;
        try
        {
            using var stream = File.OpenRead(path);
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot read the file: {e.Message}", e);
        }
        if (n == 4 && head.SequenceEqual("GGUF"u8)) return FileKind.Gguf;
        if (path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) return FileKind.Gguf;
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return FileKind.Json;
        int first = head[..n].IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && head[first] == (byte)'{') return FileKind.Json;
        return FileKind.SentencePiece;
    }
}
