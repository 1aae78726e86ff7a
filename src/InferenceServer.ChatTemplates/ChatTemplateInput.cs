using System.Text.Json;

namespace InferenceServer.ChatTemplates;

/// <summary>What a chat template is rendered with: the request's messages and tools, the generation-prompt choice, special tokens and extra keyword arguments.</summary>
public sealed record ChatTemplateInput
{
    /// <summary>The <c>messages</c> array as sent (content strings or lists of parts are kept as given).</summary>
    public required JsonElement Messages { get; init; }

    /// <summary>The <c>tools</c> array, or null when the request offers none (the template then sees <c>tools</c> as none, as with Hugging Face).</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>Retrieval documents for templates that take them (<c>documents</c>), or null.</summary>
    public JsonElement? Documents { get; init; }

    /// <summary>Append the assistant turn header; OpenAI-style servers default to true.</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>Render the last (assistant) message open, without its end-of-turn, so generation continues it (Hugging Face's continue_final_message).</summary>
    public bool ContinueFinalMessage { get; init; }

    /// <summary><c>bos_token</c> in the template; null leaves it undefined unless the model supplies one.</summary>
    public string? BosToken { get; init; }

    /// <summary><c>eos_token</c> in the template; null leaves it undefined unless the model supplies one.</summary>
    public string? EosToken { get; init; }

    /// <summary>Extra template variables (a request's <c>chat_template_kwargs</c>, e.g. <c>enable_thinking</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> Kwargs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Whether the request offers tools (selects a model's <c>tool_use</c> template when it has one).</summary>
    public bool HasTools => Tools is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) };

    /// <summary>
    /// Reads an OpenAI chat-completions body: <c>messages</c> (required), <c>tools</c>, <c>documents</c>,
    /// <c>add_generation_prompt</c> (default true), <c>continue_final_message</c> and <c>chat_template_kwargs</c>, as vLLM does.
    /// </summary>
    public static ChatTemplateInput FromRequestBody(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new ChatRequestException("the request body must be a JSON object");
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            throw new ChatRequestException("the request needs a 'messages' array");
        var kwargs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (body.TryGetProperty("chat_template_kwargs", out var extra) && extra.ValueKind == JsonValueKind.Object)
            foreach (var p in extra.EnumerateObject()) kwargs[p.Name] = p.Value.Clone();
        return new ChatTemplateInput
        {
            Messages = messages.Clone(),
            Tools = Optional(body, "tools"),
            Documents = Optional(body, "documents"),
            AddGenerationPrompt = Flag(body, "add_generation_prompt", true),
            ContinueFinalMessage = Flag(body, "continue_final_message", false),
            Kwargs = kwargs,
        };
    }

    private static JsonElement? Optional(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.Clone() : null;

    private static bool Flag(JsonElement body, string name, bool fallback)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ChatRequestException($"'{name}' must be true or false"),
        };
    }
}
