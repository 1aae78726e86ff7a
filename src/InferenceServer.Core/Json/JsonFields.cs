using System.Text.Json;
using InferenceServer.Core.Errors;

namespace InferenceServer.Core.Json;

/// <summary>
/// Typed reads from a JSON element of a model or tokenizer file: absent and JSON null read as missing, and a wrong type
/// or a missing required field is a <see cref="ModelLoadException"/> naming the file and the field's path.
/// </summary>
public readonly struct JsonFields
{
    private readonly string _path;
    private readonly string _where;
    private readonly int _index;

    /// <param name="path">The file, for error messages.</param>
    /// <param name="element">The element read from.</param>
    /// <param name="where">The element's path in the file ("" at the top level).</param>
    /// <param name="index">Its index when it is an array item (-1 otherwise).</param>
    public JsonFields(string path, JsonElement element, string where = "", int index = -1)
    {
        _path = path;
        Element = element;
        _where = where;
        _index = index;
    }

    public JsonElement Element { get; }

    // Array items format their "name[i]" only when an error needs it: big vocabularies have 150k merges.
    public string Where => _index < 0 ? _where : $"{_where}[{_index}]";

    /// <summary>Reads and parses a JSON file (trailing commas and comments allowed); unreadable or invalid files fail naming the file.</summary>
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

    /// <summary>The document's top-level object.</summary>
    public static JsonFields Root(string path, JsonDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new ModelLoadException(path, $"expected a JSON object at the top level, found {doc.RootElement.ValueKind}");
        return new JsonFields(path, doc.RootElement);
    }

    /// <summary>An error about this element, prefixed with its path.</summary>
    public ModelLoadException Error(string problem) => new(_path, Where.Length == 0 ? problem : $"{Where}: {problem}");

    private string Name(string key) => Where.Length == 0 ? key : $"{Where}.{key}";

    private ModelLoadException Missing(string key) => new(_path, $"\"{Name(key)}\" is missing");

    private ModelLoadException Wrong(string key, string expected, JsonElement found) =>
        new(_path, $"\"{Name(key)}\" must be {expected}, found {(found.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? found.ValueKind.ToString() : found.GetRawText())}");

    /// <summary>The property, or null when absent or JSON null.</summary>
    public JsonElement? Optional(string key) =>
        Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public JsonFields Object(string key) => OptionalObject(key) ?? throw Missing(key);

    public JsonFields? OptionalObject(string key) => Optional(key) is { } v
        ? v.ValueKind == JsonValueKind.Object ? new JsonFields(_path, v, Name(key)) : throw Wrong(key, "an object", v)
        : null;

    /// <summary>The items of an array property, each knowing its index for error messages.</summary>
    public IEnumerable<JsonFields> Array(string key)
    {
        var v = Optional(key) ?? throw Missing(key);
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(key, "an array", v);
        string name = Name(key);
        string file = _path;
        return v.EnumerateArray().Select((e, i) => new JsonFields(file, e, name, i));
    }

    public string String(string key) => OptionalString(key) ?? throw Missing(key);

    public string? OptionalString(string key) => Optional(key) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Wrong(key, "a string", v)
        : null;

    public bool Bool(string key, bool fallback) => OptionalBool(key) ?? fallback;

    public bool? OptionalBool(string key) => Optional(key) is { } v
        ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(key, "true or false", v),
        }
        : null;

    public int Int(string key) => OptionalInt(key) ?? throw Missing(key);

    public int? OptionalInt(string key)
    {
        if (Optional(key) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt32(out int i)) return i;
            // Some exporters write integral sizes as floats (e.g. 4096.0).
            if (v.TryGetDouble(out double d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
        }
        throw Wrong(key, "an integer", v);
    }

    public double? OptionalDouble(string key) => Optional(key) is { } v
        ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Wrong(key, "a number", v)
        : null;

    /// <summary>This element as a string (for array items).</summary>
    public string AsString() => Element.ValueKind == JsonValueKind.String
        ? Element.GetString()!
        : throw new ModelLoadException(_path, $"\"{Where}\" must be a string, found {Element.ValueKind}");
}
