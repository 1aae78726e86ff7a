using System.Text.Json;
using InferenceServer.Core.Errors;

namespace InferenceServer.Models.Config;

/// <summary>Typed, null-tolerant field access on a JSON object; wrong types become errors naming the file and field.</summary>
internal readonly struct JsonFields(JsonElement obj, string path)
{
    private JsonElement? Get(string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public string? String(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        _ => throw new ModelLoadException(path, $"\"{name}\" must be a string"),
    };

    public int? Int(string name)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt32(out int i)) return i;
            // Some exporters write integral sizes as floats (e.g. 4096.0).
            if (v.TryGetDouble(out double d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
        }
        throw new ModelLoadException(path, $"\"{name}\" must be an integer, got {v.GetRawText()}");
    }

    public int RequiredInt(string name) => Int(name) ?? throw new ModelLoadException(path, $"\"{name}\" is missing");

    public double? Double(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v => v.GetDouble(),
        { } v => throw new ModelLoadException(path, $"\"{name}\" must be a number, got {v.GetRawText()}"),
    };

    public bool? Bool(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } v => throw new ModelLoadException(path, $"\"{name}\" must be true or false, got {v.GetRawText()}"),
    };
}
