using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Conversion;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Safetensors;

namespace InferenceServer.Models.RandomModels;

/// <summary>
/// Writes random-weight models of a <see cref="ModelShape"/>: matrices and biases ~ N(0, 0.02) from a seeded
/// generator, norm weights 1. Weights are streamed to disk, so even 1B-parameter models need little memory.
/// The same seed gives the same values in every format (GGUF q/k rows are permuted as llama.cpp does).
/// </summary>
public static class RandomModelWriter
{
    /// <summary>
    /// Writes a Hugging Face folder: config.json, generation_config.json, model.safetensors (F32, F16 or BF16)
    /// and the shape's tokenizer files copied from <paramref name="tokenizersRoot"/> (shared/models/tokenizers).
    /// </summary>
    public static void WriteHuggingFace(ModelShape shape, string folder, TensorDType dtype, ulong seed, string tokenizersRoot)
    {
        ArgumentNullException.ThrowIfNull(shape);
        SafetensorsDTypes.ToName(dtype); // fail before writing anything when the dtype cannot be stored
        Directory.CreateDirectory(folder);
        var config = shape.Config;
        HfConfigWriter.Write(config, folder, dtype);
        WriteTokenizerFiles(shape, folder, tokenizersRoot);
        var writer = new SafetensorsWriter();
        writer.AddMetadata("format", "pt");
        foreach (var (name, tensorShape) in ExpectedTensors.For(config))
            writer.Add(name, dtype, tensorShape, s => WriteRandom(s, name, tensorShape, dtype, seed, null));
        writer.Write(Path.Combine(folder, SafetensorsFolder.SingleFileName));
    }

    /// <summary>
    /// Writes a GGUF file of the shape (matrices F32, F16, BF16 or Q8_0; vectors F32). Without
    /// <paramref name="tokenizerMetadata"/> it carries no tokenizer (put it next to the files of
    /// <see cref="WriteTokenizerFiles"/> and take the tokenizer from that folder), and llama.cpp cannot load it.
    /// </summary>
    /// <param name="tokenizerMetadata">
    /// tokenizer.ggml.* entries (Tokenization's GgufTokenizerMetadata, sized to the shape's vocabulary), added after the
    /// model's own and winning over them, as in <see cref="GgufConverter.FromHuggingFace"/>.
    /// </param>
    public static void WriteGguf(ModelShape shape, string ggufPath, TensorDType dtype, ulong seed,
        IReadOnlyDictionary<string, object>? tokenizerMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var config = shape.Config;
        // llama.cpp sizes the vocabulary by the token list and refuses an embedding of any other size.
        if (tokenizerMetadata is not null && tokenizerMetadata.TryGetValue("tokenizer.ggml.tokens", out object? tokens)
            && tokens is Array list && list.Length != config.VocabSize)
            throw new ArgumentException($"the tokenizer lists {list.Length} tokens, the {shape.Name} embedding has {config.VocabSize} rows", nameof(tokenizerMetadata));
        var writer = new GgufWriter();
        foreach (var (k, v) in GgufModelMetadata.For(config, shape.Name, dtype)) writer.AddMetadata(k, v);
        if (tokenizerMetadata is not null)
            foreach (var (k, v) in tokenizerMetadata) writer.AddMetadata(k, v);
        foreach (var (name, tensorShape) in ExpectedTensors.For(config))
        {
            var target = GgufModelMetadata.TensorType(tensorShape, dtype);
            int? heads = QkPermutation.HeadsFor(name, config);
            writer.AddTensor(GgufTensorNames.ToGguf(name)!, target, tensorShape, s => WriteRandom(s, name, tensorShape, target, seed, heads));
        }
        string? dir = Path.GetDirectoryName(Path.GetFullPath(ggufPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        writer.Write(ggufPath);
    }

    /// <summary>Copies the shape's tokenizer into <paramref name="folder"/> (tokenizer.model or tokenizer.json, plus tokenizer_config.json).</summary>
    public static void WriteTokenizerFiles(ModelShape shape, string folder, string tokenizersRoot)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Directory.CreateDirectory(folder);
        switch (shape.Tokenizer)
        {
            case TokenizerFiles.Llama2Spm:
                CopyFile(Path.Combine(tokenizersRoot, "llama2-spm", "tokenizer.model"), Path.Combine(folder, "tokenizer.model"));
                File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), Llama2TokenizerConfig);
                break;
            case TokenizerFiles.Qwen3:
                foreach (string f in new[] { "tokenizer.json", "tokenizer_config.json" })
                    CopyFile(Path.Combine(tokenizersRoot, "qwen3", f), Path.Combine(folder, f));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape));
        }
    }

    // Copies contents only: File.Copy would carry over the read-only mode of the shared fixtures.
    private static void CopyFile(string from, string to)
    {
        using var source = File.OpenRead(from);
        using var target = File.Create(to);
        source.CopyTo(target);
    }

    private const string Llama2TokenizerConfig = """
        {
          "tokenizer_class": "LlamaTokenizer",
          "add_bos_token": true,
          "add_eos_token": false,
          "bos_token": "<s>",
          "eos_token": "</s>",
          "unk_token": "<unk>",
          "added_tokens_decoder": {
            "0": { "content": "<unk>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false },
            "1": { "content": "<s>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false },
            "2": { "content": "</s>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false }
          }
        }
        """;

    /// <summary>Whether a tensor is a norm weight (initialised to 1) rather than a random matrix or bias.</summary>
    public static bool IsNorm(string hfName) =>
        hfName.EndsWith("norm.weight", StringComparison.Ordinal) || hfName.EndsWith("layernorm.weight", StringComparison.Ordinal);

    private static void WriteRandom(Stream stream, string name, long[] shape, TensorDType dtype, ulong seed, int? heads)
    {
        bool vector = shape.Length == 1;
        long rows = vector ? 1 : shape[0];
        int columns = checked((int)shape[^1]);
        if (IsNorm(name))
        {
            RowStreamer.Write(stream, rows, columns, dtype, (_, dst) => dst.Fill(1f));
            return;
        }
        if (vector)
        {
            // A bias: one random row, whose values move like rows when q/k are permuted.
            var values = new float[columns];
            RandomWeights.FillRow(seed, name, 0, values);
            long headDim = heads is int hb ? columns / hb : 0;
            RowStreamer.Write(stream, 1, columns, dtype, (_, dst) =>
            {
                for (int i = 0; i < columns; i++) dst[i] = values[heads is null ? i : QkPermutation.HfRowOf(i, headDim)];
            });
            return;
        }
        long hd = heads is int h ? rows / h : 0;
        RowStreamer.Write(stream, rows, columns, dtype,
            (r, dst) => RandomWeights.FillRow(seed, name, heads is null ? r : QkPermutation.HfRowOf(r, hd), dst));
    }
}
