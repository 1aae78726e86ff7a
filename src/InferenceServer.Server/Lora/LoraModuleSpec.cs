using System.Text.Json;

namespace InferenceServer.Server.Lora;

/// <summary>One <c>--lora-modules</c> entry: vLLM's <c>name=path</c> or its JSON form <c>{"name": ..., "path": ...}</c>.</summary>
public sealed record LoraModuleSpec(string Name, string Path)
{
    /// <summary>Parses an entry; a malformed one throws <see cref="ArgumentException"/> quoting it.</summary>
    public static LoraModuleSpec Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string text = entry.Trim();
        if (text.StartsWith('{')) return ParseJson(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == text.Length - 1) throw new ArgumentException($"lora-modules entry '{entry}' must be name=path");
        return Checked(text[..eq].Trim(), text[(eq + 1)..].Trim(), entry);
    }

    private static LoraModuleSpec ParseJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            string? name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            string? path = root.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            return Checked(name, path, text);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"lora-modules entry '{text}' is not valid JSON: {e.Message}", e);
        }
    }

    private static LoraModuleSpec Checked(string? name, string? path, string entry)
    {
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"lora-modules entry '{entry}' needs a name and a path");
        return new LoraModuleSpec(name, path);
    }
}
