using InferenceServer.Core.Errors;
using InferenceServer.Models.Gguf;

namespace InferenceServer.Models.Config;

/// <summary>Reads the model shape from a GGUF file's metadata (llama.cpp's "{arch}.*" keys) into a <see cref="ModelConfig"/>.</summary>
public static class GgufConfigReader
{
    public static ModelConfig Read(GgufFile gguf)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        string path = gguf.SourcePath;
        if (!gguf.TryGetString("general.architecture", out string archName))
            throw new ModelLoadException(path, "GGUF metadata 'general.architecture' is missing");
        var arch = ArchitectureNames.FromModelType(archName)
            ?? throw new ModelLoadException(path, $"unsupported architecture '{archName}'; supported: {ArchitectureNames.Supported}");

        int Required(string key) => gguf.TryGetInt($"{archName}.{key}", out int v) ? v
            : throw new ModelLoadException(path, $"GGUF metadata '{archName}.{key}' is missing or not an integer");
        int? Optional(string key) => gguf.TryGetInt($"{archName}.{key}", out int v) ? v : null;
        double? OptionalDouble(string key) => gguf.TryGetDouble($"{archName}.{key}", out double v) ? v : null;

        int hidden = Required("embedding_length");
        int heads = Required("attention.head_count");
        if (heads <= 0) throw new ModelLoadException(path, $"{archName}.attention.head_count must be positive");
        int headDim = Optional("attention.key_length") ?? hidden / heads;
        if (Optional("rope.dimension_count") is int ropeDims && ropeDims != headDim)
            throw new ModelLoadException(path, $"partial rotary embeddings are not supported ({archName}.rope.dimension_count {ropeDims} != head dim {headDim})");

        var eos = new List<int>();
        foreach (string key in new[] { "tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id" })
            if (gguf.TryGetInt(key, out int id) && !eos.Contains(id)) eos.Add(id);

        var config = new ModelConfig
        {
            Architecture = arch,
            HiddenSize = hidden,
            IntermediateSize = Required("feed_forward_length"),
            NumLayers = Required("block_count"),
            NumHeads = heads,
            NumKvHeads = KvHeads(gguf, $"{archName}.attention.head_count_kv") ?? heads,
            HeadDim = headDim,
            VocabSize = VocabSize(gguf, archName),
            MaxPositionEmbeddings = Required("context_length"),
            RmsNormEps = OptionalDouble("attention.layer_norm_rms_epsilon") ?? 1e-6,
            RopeTheta = OptionalDouble("rope.freq_base") ?? 10000.0,
            RopeScaling = ReadRopeScaling(gguf, archName, arch),
            TieWordEmbeddings = gguf.FindTensor("output.weight") is null,
            AttentionBias = arch == ModelArchitecture.Qwen2 || gguf.FindTensor("blk.0.attn_q.bias") is not null,
            QkNorm = arch == ModelArchitecture.Qwen3,
            SlidingWindow = Optional("attention.sliding_window") is int w and > 0 ? w : null,
            BosTokenId = gguf.TryGetInt("tokenizer.ggml.bos_token_id", out int bos) ? bos : null,
            EosTokenIds = eos,
        };
        config.Validate(path);
        return config;
    }

    // head_count_kv is a per-layer array in some converters; the engine needs one value for all layers.
    private static int? KvHeads(GgufFile gguf, string key)
    {
        if (gguf.TryGetInt(key, out int n)) return n;
        if (gguf.TryGetArray<int>(key, out var perLayer) && perLayer.Length > 0)
        {
            if (perLayer.Any(v => v != perLayer[0]))
                throw new ModelLoadException(gguf.SourcePath, $"'{key}' differs between layers, which is not supported");
            return perLayer[0];
        }
        return null;
    }

    private static int VocabSize(GgufFile gguf, string arch)
    {
        if (gguf.TryGetInt($"{arch}.vocab_size", out int n)) return n;
        if (gguf.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) && tokens is Array a) return a.Length;
        if (gguf.FindTensor("token_embd.weight") is { } embed) return (int)embed.Shape[0];
        throw new ModelLoadException(gguf.SourcePath, $"vocabulary size unknown: no '{arch}.vocab_size', tokenizer.ggml.tokens or token_embd.weight");
    }

    private static RopeScaling? ReadRopeScaling(GgufFile gguf, string archName, ModelArchitecture arch)
    {
        string prefix = $"{archName}.rope.scaling.";
        gguf.TryGetString(prefix + "type", out string type);
        if (type is "llama3")
        {
            double factor = gguf.TryGetDouble(prefix + "factor", out double f) ? f
                : throw new ModelLoadException(gguf.SourcePath, $"'{prefix}factor' is missing");
            int original = gguf.TryGetInt(prefix + "original_context_length", out int o) ? o
                : throw new ModelLoadException(gguf.SourcePath, $"'{prefix}original_context_length' is missing");
            return new RopeScaling(
                factor,
                gguf.TryGetDouble(prefix + "low_freq_factor", out double lo) ? lo : 1.0,
                gguf.TryGetDouble(prefix + "high_freq_factor", out double hi) ? hi : 4.0,
                original);
        }
        if (type is not ("" or "none"))
            throw new ModelLoadException(gguf.SourcePath, $"unsupported rope scaling type '{type}' (supported: llama3)");
        // llama.cpp's converter stores Llama 3 scaling only as a rope_freqs tensor of per-frequency factors;
        // every released Llama 3.x uses low 1, high 4, original context 8192, so only the factor is read from it.
        if (arch == ModelArchitecture.Llama && gguf.FindTensor("rope_freqs.weight") is not null
            && gguf.TryGet("rope_freqs.weight", out var freqs) && freqs.DType == Core.Tensors.TensorDType.F32)
        {
            float factor = 1;
            foreach (float v in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(freqs.Bytes)) factor = MathF.Max(factor, v);
            if (factor > 1) return new RopeScaling(factor, 1.0, 4.0, 8192);
        }
        return null;
    }
}
