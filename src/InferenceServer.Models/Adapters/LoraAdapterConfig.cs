using System.Text.Json;
using InferenceServer.Core.Errors;
using InferenceServer.Models.Config;

namespace InferenceServer.Models.Adapters;

/// <summary>The fields of a PEFT <c>adapter_config.json</c> that serving needs.</summary>
public sealed record LoraAdapterConfig(int Rank, double Alpha, bool UseRsLora, IReadOnlySet<LoraTarget> Targets, string? BaseModel)
{
    /// <summary>The factor applied to B·A: alpha / r, or alpha / √r with rsLoRA.</summary>
    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>Far above any real adapter_config.json; a bigger file is refused before it is read into memory.</summary>
    private const long MaxBytes = 1 << 20;

    /// <summary>Reads and checks <paramref name="path"/>; errors name the file and the field.</summary>
    public static LoraAdapterConfig Read(string path)
    {
        if (!File.Exists(path)) throw new ModelLoadException(path, "file not found (not a PEFT adapter folder?)");
        if (new FileInfo(path).Length > MaxBytes) throw new ModelLoadException(path, $"larger than {MaxBytes >> 20} MiB: not an adapter config");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"invalid JSON ({JsonErrorLocation.Of(e)})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ModelLoadException(path, "not a JSON object");
            string? type = OptionalString(root, "peft_type", path);
            if (type != null && type != "LORA") throw new ModelLoadException(path, $"peft_type '{type}' is not supported (only LORA)");
            int rank = root.TryGetProperty("r", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out int rv) && rv > 0
                ? rv : throw new ModelLoadException(path, "'r' must be a positive integer");
            double alpha = root.TryGetProperty("lora_alpha", out var a) && a.ValueKind == JsonValueKind.Number
                ? a.GetDouble() : throw new ModelLoadException(path, "'lora_alpha' must be a number");
            bool rs = root.TryGetProperty("use_rslora", out var rsl) && rsl.ValueKind == JsonValueKind.True;
            if (root.TryGetProperty("fan_in_fan_out", out var fio) && fio.ValueKind == JsonValueKind.True)
                throw new ModelLoadException(path, "fan_in_fan_out adapters (GPT-2 style Conv1D) are not supported");
            return new LoraAdapterConfig(rank, alpha, rs, ReadTargets(root, path), OptionalString(root, "base_model_name_or_path", path));
        }
    }

    private static HashSet<LoraTarget> ReadTargets(JsonElement root, string path)
    {
        if (!root.TryGetProperty("target_modules", out var t)) throw new ModelLoadException(path, "'target_modules' is missing");
        var targets = new HashSet<LoraTarget>();
        if (t.ValueKind == JsonValueKind.String)
        {
            if (t.GetString() != "all-linear") throw new ModelLoadException(path, $"target_modules '{t.GetString()}': only a list of module names or \"all-linear\" is supported");
            targets.UnionWith(LoraTargets.All);
            return targets;
        }
        if (t.ValueKind != JsonValueKind.Array) throw new ModelLoadException(path, "'target_modules' must be a list of module names");
        foreach (var item in t.EnumerateArray())
        {
            string name = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new ModelLoadException(path, "'target_modules' must hold strings");
            targets.Add(LoraTargets.FromModuleName(name)
                ?? throw new ModelLoadException(path, $"target module '{name}' is not supported (known: {string.Join(", ", LoraTargets.All.Select(x => x.ModuleName()))})"));
        }
        if (targets.Count == 0) throw new ModelLoadException(path, "'target_modules' is empty");
        return targets;
    }

    private static string? OptionalString(JsonElement root, string key, string path) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ModelLoadException(path, $"'{key}' must be a string")
            : null;
}
