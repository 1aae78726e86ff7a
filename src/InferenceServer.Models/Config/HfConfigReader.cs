using System.Text.Json;
using InferenceServer.Core.Errors;
using InferenceServer.Core.Json;

namespace InferenceServer.Models.Config;

/// <summary>Reads a Hugging Face config.json (plus generation_config.json when present) into a <see cref="ModelConfig"/>.</summary>
public static class HfConfigReader
{
    public const string ConfigFileName = "config.json";
    public const string GenerationConfigFileName = "generation_config.json";

    /// <summary>Reads config.json and generation_config.json from a model folder; errors name the file.</summary>
    public static ModelConfig Read(string modelFolder)
    {
        string configPath = Path.Combine(modelFolder, ConfigFileName);
        if (!File.Exists(configPath)) throw new ModelLoadException(configPath, "file not found (not a Hugging Face model folder?)");
        string genPath = Path.Combine(modelFolder, GenerationConfigFileName);
        string? generation = File.Exists(genPath) ? File.ReadAllText(genPath) : null;
        return Parse(File.ReadAllText(configPath), configPath, generation, genPath);
    }

    /// <summary>Parses config.json text; <paramref name="path"/> is used in error messages.</summary>
    public static ModelConfig Parse(string configJson, string path, string? generationConfigJson = null, string? generationConfigPath = null)
    {
        using var doc = ParseJson(configJson, path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new ModelLoadException(path, "not a JSON object");
        var c = new JsonFields(path, root);

        string? modelType = c.OptionalString("model_type");
        string? className = root.TryGetProperty("architectures", out var archs) && archs.ValueKind == JsonValueKind.Array && archs.GetArrayLength() > 0
            ? archs[0].GetString() : null;
        var arch = ArchitectureNames.FromModelType(modelType) ?? (modelType is null ? ArchitectureNames.FromClassName(className) : null)
            ?? throw new ModelLoadException(path,
                $"unsupported architecture '{modelType ?? className ?? "(none given)"}'{(className is not null && modelType is not null ? $" ({className})" : "")}; supported: {ArchitectureNames.Supported}");

        string? act = c.OptionalString("hidden_act");
        if (act is not null and not "silu")
            throw new ModelLoadException(path, $"unsupported hidden_act '{act}' (only silu)");
        if (c.OptionalBool("mlp_bias") == true) throw new ModelLoadException(path, "mlp_bias true is not supported");

        int hidden = c.Int("hidden_size");
        int heads = c.Int("num_attention_heads");
        if (heads <= 0) throw new ModelLoadException(path, "num_attention_heads must be positive");
        double ropeTheta = c.OptionalDouble("rope_theta") ?? RopeParameter(root, "rope_theta") ?? 10000.0;
        bool useSliding = arch == ModelArchitecture.Mistral || c.OptionalBool("use_sliding_window") == true;

        var eos = new List<int>();
        AddIds(root, "eos_token_id", eos, path);
        int? bos = c.OptionalInt("bos_token_id");
        if (generationConfigJson is not null)
        {
            string gp = generationConfigPath ?? GenerationConfigFileName;
            using var gen = ParseJson(generationConfigJson, gp);
            if (gen.RootElement.ValueKind == JsonValueKind.Object)
            {
                AddIds(gen.RootElement, "eos_token_id", eos, gp);
                bos ??= new JsonFields(gp, gen.RootElement).OptionalInt("bos_token_id");
            }
        }

        var config = new ModelConfig
        {
            Architecture = arch,
            HiddenSize = hidden,
            IntermediateSize = c.Int("intermediate_size"),
            NumLayers = c.Int("num_hidden_layers"),
            NumHeads = heads,
            NumKvHeads = c.OptionalInt("num_key_value_heads") ?? heads,
            HeadDim = c.OptionalInt("head_dim") ?? hidden / heads,
            VocabSize = c.Int("vocab_size"),
            MaxPositionEmbeddings = c.OptionalInt("max_position_embeddings") ?? DefaultContext(arch),
            RmsNormEps = c.OptionalDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = ropeTheta,
            RopeScaling = ReadRopeScaling(root, path),
            TieWordEmbeddings = c.OptionalBool("tie_word_embeddings") ?? false,
            AttentionBias = arch == ModelArchitecture.Qwen2 || c.OptionalBool("attention_bias") == true,
            QkNorm = arch == ModelArchitecture.Qwen3,
            SlidingWindow = useSliding ? c.OptionalInt("sliding_window") : null,
            BosTokenId = bos,
            EosTokenIds = eos,
        };
        config.Validate(path);
        return config;
    }

    // The transformers defaults of each config class, for configs that omit max_position_embeddings.
    private static int DefaultContext(ModelArchitecture arch) => arch switch
    {
        ModelArchitecture.Llama => 2048,
        ModelArchitecture.Mistral => 4096 * 32,
        _ => 32768,
    };

    private static double? RopeParameter(JsonElement root, string name) =>
        root.TryGetProperty("rope_parameters", out var p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static RopeScaling? ReadRopeScaling(JsonElement root, string path)
    {
        // Newer transformers versions move rope_scaling into rope_parameters (which then also holds rope_theta).
        JsonElement s;
        if (!root.TryGetProperty("rope_scaling", out s) || s.ValueKind == JsonValueKind.Null)
        {
            if (!root.TryGetProperty("rope_parameters", out s) || s.ValueKind != JsonValueKind.Object) return null;
        }
        if (s.ValueKind != JsonValueKind.Object) throw new ModelLoadException(path, "rope_scaling must be an object or null");
        var f = new JsonFields(path, s);
        string? type = f.OptionalString("rope_type") ?? f.OptionalString("type");
        if (type is null or "default") return null;
        if (type != "llama3")
            throw new ModelLoadException(path, $"unsupported rope_scaling type '{type}' (supported: llama3)");
        return new RopeScaling(
            f.OptionalDouble("factor") ?? throw new ModelLoadException(path, "rope_scaling.factor is missing"),
            f.OptionalDouble("low_freq_factor") ?? 1.0,
            f.OptionalDouble("high_freq_factor") ?? 4.0,
            f.OptionalInt("original_max_position_embeddings") ?? throw new ModelLoadException(path, "rope_scaling.original_max_position_embeddings is missing"));
    }

    private static void AddIds(JsonElement obj, string name, List<int> ids, string path)
    {
        if (!obj.TryGetProperty(name, out var v)) return;
        void Add(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int id))
                throw new ModelLoadException(path, $"{name} must be an integer or a list of integers");
            if (!ids.Contains(id)) ids.Add(id);
        }
        if (v.ValueKind == JsonValueKind.Null) return;
        if (v.ValueKind == JsonValueKind.Array)
            foreach (var e in v.EnumerateArray()) Add(e);
        else Add(v);
    }

    private static JsonDocument ParseJson(string json, string path)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"not valid JSON: {e.Message}", e);
        }
    }
}
