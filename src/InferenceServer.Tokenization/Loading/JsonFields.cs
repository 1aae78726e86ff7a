using System.Text.Json;
using InferenceServer.Core.Errors;

namespace InferenceServer.Tokenization.Loading;

/// <summary>Typed reads from a JSON element that fail with a <see cref="ModelLoadException"/> naming the file and field.</summary>
internal readonly struct JsonFields(string path, JsonElement element, string where, int index = -1)
{
    public JsonElement Element => element;

    // Array items format their "name[i]" only when an error needs it: big vocabularies have 150k merges.
    public string Where => index < 0 ? where : $"{where}[{index}]";

    public static JsonDocument Parse(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot read the file: {e.Message}", e);
        }
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"invalid JSON: {e.Message}", e);
        }
    }

    public static JsonFields Root(string path, JsonDocument doc)
    {
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new ModelLoadException(path, $"expected a JSON object at the top level, found {doc.RootElement.ValueKind}");
        return new JsonFields(path, doc.RootElement, "");
    }

    public ModelLoadException Error(string problem) => new(path, Where.Length == 0 ? problem : $"{Where}: {problem}");

    private string Name(string key) => Where.Length == 0 ? key : $"{Where}.{key}";

    /// <summary>The property, or null when absent or JSON null.</summary>
    public JsonElement? Optional(string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public JsonFields Object(string key)
    {
        var v = Optional(key) ?? throw Error($"'{key}' is missing");
        if (v.ValueKind != JsonValueKind.Object) throw new ModelLoadException(path, $"{Name(key)} must be an object, found {v.ValueKind}");
        return new JsonFields(path, v, Name(key));
    }

    public JsonFields? OptionalObject(string key) =>
        Optional(key) is { } v ? (v.ValueKind == JsonValueKind.Object ? new JsonFields(path, v, Name(key))
            : throw new ModelLoadException(path, $"{Name(key)} must be an object, found {v.ValueKind}")) : null;

    public IEnumerable<JsonFields> Array(string key)
    {
        var v = Optional(key) ?? throw Error($"'{key}' is missing");
        if (v.ValueKind != JsonValueKind.Array) throw new ModelLoadException(path, $"{Name(key)} must be an array, found {v.ValueKind}");
        string name = Name(key);
        string file = path;
        return v.EnumerateArray().Select((e, i) => new JsonFields(file, e, name, i));
    }

    public string String(string key) => OptionalString(key) ?? throw Error($"'{key}' is missing");

    public string? OptionalString(string key) => Optional(key) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new ModelLoadException(path, $"{Name(key)} must be a string, found {v.ValueKind}")
        : null;

    public bool Bool(string key, bool fallback) => Optional(key) is { } v
        ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelLoadException(path, $"{Name(key)} must be true or false, found {v.ValueKind}"),
        }
        : fallback;

    public int Int(string key) => OptionalInt(key) ?? throw Error($"'{key}' is missing");

    public int? OptionalInt(string key) => Optional(key) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new ModelLoadException(path, $"{Name(key)} must be an integer, found {v.GetRawText()}")
        : null;

    /// <summary>This element as a string (for array items).</summary>
    public string AsString() => element.ValueKind == JsonValueKind.String
        ? element.GetString()!
        : throw new ModelLoadException(path, $"{Where} must be a string, found {element.ValueKind}");
}
