using System.Text.Json;
using InferenceServer.Core.Errors;

namespace InferenceServer.ChatTemplates.Loading;

/// <summary>
/// Reads the chat-template parts of a Hugging Face <c>tokenizer_config.json</c> (or <c>chat_template.json</c>):
/// <c>chat_template</c> as a string or a list of {name, template}, and special tokens as strings or {content: ...}.
/// </summary>
internal static class TokenizerConfigFile
{
    private static readonly string[] SpecialTokenNames =
        ["bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token"];

    public static (Dictionary<string, string> Templates, Dictionary<string, string> SpecialTokens) Read(string path)
    {
        using var doc = Parse(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new ModelLoadException(path, "expected a JSON object");
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("chat_template", out var template))
        {
            switch (template.ValueKind)
            {
                case JsonValueKind.String:
                    templates["default"] = template.GetString()!;
                    break;
                case JsonValueKind.Array:
                    foreach (var entry in template.EnumerateArray())
                    {
                        if (entry.ValueKind != JsonValueKind.Object ||
                            !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String ||
                            !entry.TryGetProperty("template", out var text) || text.ValueKind != JsonValueKind.String)
                            throw new ModelLoadException(path, "chat_template list entries need a string 'name' and 'template'");
                        templates[name.GetString()!] = text.GetString()!;
                    }
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    throw new ModelLoadException(path, "chat_template must be a string or a list of {name, template}");
            }
        }
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in SpecialTokenNames)
            if (root.TryGetProperty(name, out var token) && TokenText(token) is { } text)
                tokens[name] = text;
        return (templates, tokens);
    }

    /// <summary>A special token is written as its text, or as an AddedToken object whose text is "content".</summary>
    private static string? TokenText(JsonElement token) => token.ValueKind switch
    {
        JsonValueKind.String => token.GetString(),
        JsonValueKind.Object when token.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"not valid JSON: {e.Message}", e);
        }
    }
}
