using System.Text.Json;
using System.Text.RegularExpressions;
using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Models.Manifests;

/// <summary>
/// One version of a named model, read from <c>models/&lt;name&gt;/&lt;version&gt;.json</c>:
/// where its files are, the dtype to run it in and a cap on its context length.
/// </summary>
public sealed partial record ModelManifest
{
    /// <summary>Model name as clients ask for it (letters, digits, '.', '_', '-').</summary>
    public required string Name { get; init; }

    /// <summary>Version label (letters, digits, '.', '_', '-').</summary>
    public required string Version { get; init; }

    /// <summary>Absolute path of the model: a Hugging Face folder or a .gguf file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The dtype weights are computed in / stored as; null keeps the model's own.</summary>
    public TensorDType? DType { get; init; }

    /// <summary>Upper bound on the context length; null keeps the model's max_position_embeddings.</summary>
    public int? MaxContext { get; init; }

    /// <summary>LoRA adapters to preload when the server runs with LoRA enabled: name → absolute adapter folder.</summary>
    public IReadOnlyDictionary<string, string> LoraModules { get; init; } = new Dictionary<string, string>();

    /// <summary>The manifest file this was read from.</summary>
    public required string ManifestPath { get; init; }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();

    /// <summary>Reads and validates a manifest; every problem is a <see cref="ModelLoadException"/> naming the file.</summary>
    public static ModelManifest Load(string manifestPath)
    {
        if (!File.Exists(manifestPath)) throw new ModelLoadException(manifestPath, "manifest not found");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(manifestPath), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(manifestPath, $"manifest is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            ModelLoadException Bad(string problem) => new(manifestPath, "invalid manifest: " + problem);
            if (root.ValueKind != JsonValueKind.Object) throw Bad("not a JSON object");

            string RequiredString(string field)
            {
                if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) throw Bad($"\"{field}\" is missing");
                string? s = v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Number => v.GetRawText(), // "version": 1 is as clear as "1"
                    _ => null,
                };
                if (string.IsNullOrWhiteSpace(s)) throw Bad($"\"{field}\" must be a non-empty string");
                return s;
            }

            string name = RequiredString("name");
            if (!SafeName().IsMatch(name)) throw Bad($"\"name\" '{name}' may only hold letters, digits, '.', '_' and '-'");
            string version = RequiredString("version");
            if (!SafeName().IsMatch(version)) throw Bad($"\"version\" '{version}' may only hold letters, digits, '.', '_' and '-'");
            string path = RequiredString("path");
            string folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
            string modelPath = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(folder, path));
            if (!File.Exists(modelPath) && !Directory.Exists(modelPath))
                throw Bad($"\"path\" '{path}' does not exist (resolved to {modelPath})");

            TensorDType? dtype = null;
            if (root.TryGetProperty("dtype", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                if (d.ValueKind != JsonValueKind.String) throw Bad("\"dtype\" must be a string");
                try { dtype = TensorDTypeExtensions.Parse(d.GetString()!); }
                catch (ArgumentException) { throw Bad($"unknown \"dtype\" '{d.GetString()}' (expected f32, f16, bf16 or q8_0)"); }
            }

            int? maxContext = null;
            if (root.TryGetProperty("max_context", out var m) && m.ValueKind != JsonValueKind.Null)
            {
                if (m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out int mc)) throw Bad("\"max_context\" must be an integer");
                if (mc <= 0) throw Bad($"\"max_context\" must be positive, got {mc}");
                maxContext = mc;
            }

            // "lora_modules": {"name": "folder"}, folders relative to the manifest like "path"; checked when loaded.
            var loraModules = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("lora_modules", out var lm) && lm.ValueKind != JsonValueKind.Null)
            {
                if (lm.ValueKind != JsonValueKind.Object) throw Bad("\"lora_modules\" must be an object of adapter name to folder");
                foreach (var module in lm.EnumerateObject())
                {
                    if (module.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(module.Value.GetString()))
                        throw Bad($"\"lora_modules\" '{module.Name}' must be a folder path");
                    string adapterPath = module.Value.GetString()!;
                    loraModules[module.Name] = Path.GetFullPath(Path.IsPathRooted(adapterPath) ? adapterPath : Path.Combine(folder, adapterPath));
                }
            }

            return new ModelManifest
            {
                Name = name,
                Version = version,
                ModelPath = modelPath,
                DType = dtype,
                MaxContext = maxContext,
                LoraModules = loraModules,
                ManifestPath = Path.GetFullPath(manifestPath),
            };
        }
    }
}
